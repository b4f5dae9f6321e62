// Windowed rendering for long tables: above a threshold only the rows in view (plus a margin)
// are in the page, so a list of thousands mounts and ticks as cheaply as a short one. Short
// lists, the usual case, are rendered whole.

/** Which rows of a long table are in the page, following the scroll container. */
export class RowWindow {
  /** Scroll offset of the container, in pixels. */
  scrollTop = $state(0);
  /** Visible height of the container, in pixels. */
  viewport = $state(0);
  /** Height of one row, in pixels; measured from the page once rows exist. */
  rowHeight = $state(40);

  readonly #count: () => number;
  readonly #threshold: () => number;
  readonly #overscan: number;

  /**
   * `count` reads the current number of rows; lists of at most `threshold()` rows are rendered
   * whole; `overscan` rows are kept above and below the visible ones.
   */
  constructor(count: () => number, threshold: () => number = () => 250, overscan = 12) {
    this.#count = count;
    this.#threshold = threshold;
    this.#overscan = overscan;
  }

  /** Whether the list is long enough to be windowed. */
  active = $derived.by(() => this.#count() > this.#threshold());

  /** Index of the first row in the page. */
  start = $derived.by(() => {
    if (!this.active) return 0;
    const first = Math.floor(this.scrollTop / this.rowHeight) - this.#overscan;
    return Math.max(0, Math.min(first, this.#count() - 1));
  });

  /** Index after the last row in the page. */
  end = $derived.by(() => {
    const n = this.#count();
    if (!this.active) return n;
    // Before the container has a size (first frame, or no layout at all) assume a tall screen.
    const view = this.viewport > 0 ? this.viewport : 1200;
    const last = Math.ceil((this.scrollTop + view) / this.rowHeight) + this.#overscan;
    return Math.min(n, Math.max(last, this.start + 1));
  });

  /** Height of the space standing for the rows above the window. */
  above = $derived(this.start * this.rowHeight);
  /** Height of the space standing for the rows below the window. */
  below = $derived.by(() => Math.max(0, (this.#count() - this.end) * this.rowHeight));

  /** Follows `scroller`'s scrolling and size; returns the function that stops following. */
  follow(scroller: HTMLElement): () => void {
    const update = () => {
      this.scrollTop = scroller.scrollTop;
      this.viewport = scroller.clientHeight;
      const row = scroller.querySelector('tbody tr[aria-rowindex]');
      const h = row?.getBoundingClientRect().height ?? 0;
      if (h > 0 && Math.abs(h - this.rowHeight) > 0.5) this.rowHeight = h;
    };
    update();
    scroller.addEventListener('scroll', update, { passive: true });
    const resize = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(update);
    resize?.observe(scroller);
    return () => {
      scroller.removeEventListener('scroll', update);
      resize?.disconnect();
    };
  }
}
