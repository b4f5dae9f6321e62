//! A console under test: the real app, set up by the same `configure` as the desktop build, on
//! Tauri's mock runtime, with a real store in a temp folder, a real PC link on 127.0.0.1:0 and
//! a hand-moved clock. Commands go through Tauri's IPC exactly as the webview sends them.

use std::sync::{mpsc, Arc};
use std::time::Duration;

use chrono::{DateTime, Utc};
use labdesk_app::{configure, context, CommandError, Desk, Launch, Options};
use labdesk_core::{DeskEvent, ManualClock};
use labdesk_link::LinkConfig;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{App, Listener, Manager, WebviewWindow, WebviewWindowBuilder};

/// How long any test waits for something that should happen at once.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// The admin every console test signs in as.
pub const ADMIN: (&str, &str) = ("admin", "correct horse battery");

/// A running console on the mock runtime.
pub struct Console {
    pub app: App<MockRuntime>,
    pub window: WebviewWindow<MockRuntime>,
    pub clock: ManualClock,
    pub dir: tempfile::TempDir,
    events: mpsc::Receiver<Value>,
}

/// The instant every test starts at.
pub fn start_time() -> DateTime<Utc> {
    "2026-12-04T10:00:00Z".parse().expect("a valid instant")
}

impl Console {
    /// A new console on an empty store, warning 60 s before the end.
    pub fn new() -> Console {
        Console::with_options(|_| {})
    }

    /// A new console whose command line `adjust` may change.
    pub fn with_options(adjust: impl FnOnce(&mut Options)) -> Console {
        let dir = tempfile::tempdir().expect("a temp folder");
        let clock = ManualClock::new(start_time());
        let mut options = Options {
            data_dir: Some(dir.path().to_path_buf()),
            listen: Some("127.0.0.1:0".parse().expect("a loopback address")),
            warn_before: Some(labdesk_app::Leads(vec![60])),
            demo: false,
        };
        adjust(&mut options);
        let launch = Launch {
            options,
            clock: Arc::new(clock.clone()),
            link: LinkConfig::default(),
            desktop: false,
        };
        let app = configure(mock_builder(), launch)
            .build(context())
            .expect("the console builds on the mock runtime");
        let window = match app.get_webview_window("main") {
            Some(window) => window,
            None => WebviewWindowBuilder::new(&app, "main", Default::default())
                .build()
                .expect("the main window opens"),
        };
        let (sender, events) = mpsc::channel();
        app.listen(labdesk_app::DESK_EVENT, move |event| {
            let payload = serde_json::from_str(event.payload()).expect("events are JSON");
            let _ = sender.send(payload);
        });

        Console {
            app,
            window,
            clock,
            dir,
            events,
        }
    }

    /// Invokes `command` with `args` as the webview would, from the app's own origin.
    pub fn invoke(&self, command: &str, args: Value) -> Result<Value, CommandError> {
        self.invoke_from(command, args, "tauri://localhost")
    }

    /// Invokes `command` as if from the page at `origin` in the console window.
    pub fn invoke_from(
        &self,
        command: &str,
        args: Value,
        origin: &str,
    ) -> Result<Value, CommandError> {
        invoke_in(&self.window, command, args, origin)
    }

    /// Opens another window of the app, labelled `label`.
    pub fn open_window(&self, label: &str) -> WebviewWindow<MockRuntime> {
        WebviewWindowBuilder::new(&self.app, label, Default::default())
            .build()
            .expect("a second window opens")
    }

    /// Invokes `command` and reads its answer as `T`, failing the test on an error.
    pub fn call<T: DeserializeOwned>(&self, command: &str, args: Value) -> T {
        let answer = self
            .invoke(command, args)
            .unwrap_or_else(|error| panic!("{command} should succeed, got {error:?}"));
        serde_json::from_value(answer).expect("the answer has the documented shape")
    }

    /// Invokes `command`, which must fail, and returns its error.
    pub fn refused(&self, command: &str, args: Value) -> CommandError {
        match self.invoke(command, args) {
            Ok(answer) => panic!("{command} should have been refused, got {answer}"),
            Err(error) => error,
        }
    }

    /// Creates the first admin and signs in as it.
    pub fn sign_in_as_admin(&self) {
        let user: Value = self.call(
            "create_admin",
            json!({"username": ADMIN.0, "password": ADMIN.1}),
        );
        assert_eq!(user["role"], "admin", "the first user is an admin");
    }

    /// Signs in as admin, imports two PCs and returns their tokens by name.
    pub fn with_two_pcs(&self) -> Vec<(String, String)> {
        self.sign_in_as_admin();
        let answer: Value = self.call(
            "import_pcs",
            json!({"csv": "name,zone,os\n1-001,1st Floor,windows\n1-002,1st Floor,linux\n"}),
        );
        answer["imported"]
            .as_array()
            .expect("a list of imported PCs")
            .iter()
            .map(|added| {
                let name = added["pc"]["name"].as_str().expect("a name").to_owned();
                let token = added["token"].as_str().expect("a token").to_owned();
                (name, token)
            })
            .collect()
    }

    /// The desk behind the console.
    pub fn desk(&self) -> tauri::State<'_, Desk> {
        self.app.state::<Desk>()
    }

    /// Waits for the next `desk-event` the webview receives that `wanted` accepts.
    pub fn next_event(&self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = std::time::Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.events.recv_timeout(left) {
                Ok(event) if wanted(&event) => return event,
                Ok(_) => continue,
                Err(_) => panic!("no desk-event {what} reached the webview within {PATIENCE:?}"),
            }
        }
    }

    /// Waits until the engine publishes an event that `wanted` accepts.
    pub fn wait_for_engine(
        &self,
        events: &mut tokio::sync::broadcast::Receiver<DeskEvent>,
        what: &str,
        wanted: impl Fn(&DeskEvent) -> bool,
    ) {
        tauri::async_runtime::block_on(async {
            tokio::time::timeout(PATIENCE, async {
                loop {
                    match events.recv().await {
                        Ok(event) if wanted(&event) => return,
                        Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                        Err(error) => panic!("desk events ended while waiting for {what}: {error}"),
                    }
                }
            })
            .await
            .unwrap_or_else(|_| panic!("the desk did not publish {what} within {PATIENCE:?}"))
        });
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        labdesk_app::stop(self.app.handle());
    }
}

/// Invokes `command` with `args` from the page at `origin` in `window`, as its webview would. A
/// refusal by Tauri itself (not by a command) comes back with code 0.
pub fn invoke_in(
    window: &WebviewWindow<MockRuntime>,
    command: &str,
    args: Value,
    origin: &str,
) -> Result<Value, CommandError> {
    let request = InvokeRequest {
        cmd: command.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: origin.parse().expect("a valid origin"),
        body: InvokeBody::Json(args),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.into(),
    };
    match get_ipc_response(window, request) {
        Ok(body) => Ok(body.deserialize().expect("answers are JSON")),
        Err(Value::String(refused)) => Err(CommandError::new(0, refused)),
        Err(error) => Err(serde_json::from_value(error.clone())
            .unwrap_or_else(|_| panic!("errors are {{code, message}}, got {error}"))),
    }
}
