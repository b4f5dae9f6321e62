//! The link's settings: time-outs, heartbeats, queue sizes, and the WebSocket buffer sizes
//! that keep an idle PC connection small.

use labdesk_proto::MAX_FRAME_BYTES;
use std::time::Duration;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// Read buffer per connection. Tungstenite allocates it up front for every socket, so it is
/// the largest fixed cost of an idle PC; agent frames are a few hundred bytes.
const READ_BUFFER_BYTES: usize = 2 * 1024;

/// How the desk's WebSocket server behaves. `Default` gives the production values.
#[derive(Debug, Clone)]
pub struct LinkConfig {
    /// How long a new connection may take to upgrade and send its `hello` or `auth`.
    pub hello_timeout: Duration,
    /// How often the desk pings each connection.
    pub ping_interval: Duration,
    /// How long a connection may stay silent (no pong, no frame) before the desk drops it and
    /// marks its PC offline. Detection takes at most this plus one `ping_interval`.
    pub idle_timeout: Duration,
    /// How long the desk waits for an agent's `ack` of a warning before counting the delivery
    /// as failed (the scheduler retries it later).
    pub ack_timeout: Duration,
    /// How long one write may stall before the desk drops the connection.
    pub write_timeout: Duration,
    /// Frames waiting to be written to one PC; a PC whose queue is full is dropped.
    pub pc_queue: usize,
}

impl Default for LinkConfig {
    fn default() -> Self {
        Self {
            hello_timeout: Duration::from_secs(5),
            ping_interval: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(20),
            ack_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(10),
            pc_queue: 32,
        }
    }
}

/// Tungstenite's settings for every connection the desk accepts: a small read buffer, no write
/// batching (frames are sent as they come), and the 64 KiB limit on what clients send. The
/// desk's own answers may be larger (a list of thousands of PCs), so writes are not capped.
pub(crate) fn socket_config() -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(READ_BUFFER_BYTES)
        .write_buffer_size(0)
        .max_message_size(Some(MAX_FRAME_BYTES))
        .max_frame_size(Some(MAX_FRAME_BYTES))
}
