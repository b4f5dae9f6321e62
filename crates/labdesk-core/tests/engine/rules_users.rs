//! User rules: who may add whom, passwords, API tokens and the first admin.

use std::sync::Arc;

use labdesk_core::{Actor, Engine, EngineConfig, ManualClock, Role};

use crate::common::{t0, Desk};

#[tokio::test]
async fn staff_add_patrons_and_only_admins_add_staff() {
    let desk = Desk::new().await;
    let walk_in = desk
        .engine
        .add_user(&desk.staff, "cat", "", Role::Patron, None)
        .await
        .unwrap();
    assert_eq!(
        walk_in.display_name, "cat",
        "an empty display name falls back to the username"
    );
    assert_eq!(walk_in.role, Role::Patron);

    let before = desk.snapshot().await;
    let err = desk.engine.add_user(
        &desk.staff,
        "sue",
        "Sue",
        Role::Staff,
        Some("long-password"),
    );
    let err = err.await.unwrap_err();
    assert_eq!(err.code(), 403, "staff may not add staff: {err}");
    let err = desk
        .engine
        .add_user(&desk.ann, "dan", "Dan", Role::Patron, None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), 403, "patrons may not add anyone: {err}");
    let err = desk
        .engine
        .add_user(&desk.staff, "ann", "Ann", Role::Patron, None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), 409, "a taken username conflicts: {err}");
    let err = desk
        .engine
        .add_user(&desk.staff, "a b", "", Role::Patron, None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), 400, "a username with a space is refused: {err}");
    let err = desk
        .engine
        .add_user(&desk.admin, "sue", "", Role::Staff, None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("needs a password"), "{err}");
    let err = desk
        .engine
        .add_user(&desk.admin, "sue", "", Role::Staff, Some("short"));
    assert!(err.await.unwrap_err().to_string().contains("too short"));
    let err = desk
        .engine
        .add_user(&desk.staff, "dan", "", Role::Patron, Some("long-password"));
    assert_eq!(
        err.await.unwrap_err().code(),
        400,
        "patrons have no password"
    );
    assert_eq!(desk.snapshot().await, before, "refused adds change nothing");

    let users: Vec<String> = desk
        .engine
        .list_users()
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.username)
        .collect();
    assert_eq!(users, ["admin", "ann", "bob", "cat", "sam"]);
}

#[tokio::test]
async fn passwords_sign_in_staff_only() {
    let desk = Desk::new().await;
    let user = desk
        .engine
        .authenticate_password("sam", "staff-password")
        .await
        .unwrap();
    assert_eq!(user.role, Role::Staff);
    for (name, password) in [("sam", "wrong-password"), ("nobody", "x"), ("ann", "")] {
        let err = desk
            .engine
            .authenticate_password(name, password)
            .await
            .unwrap_err();
        assert_eq!(err.code(), 401, "{name} must not sign in: {err}");
        assert_eq!(
            err.to_string(),
            "wrong username or password; check them and retry"
        );
    }
    assert!(
        !desk.snapshot().await.contains("staff-password"),
        "passwords are hashed"
    );
}

#[tokio::test]
async fn api_tokens_authenticate_their_user_and_are_stored_hashed() {
    let desk = Desk::new().await;
    let Actor::User { id, .. } = desk.staff else {
        unreachable!("staff is a user")
    };
    let token = desk.engine.create_api_token(id).await.unwrap();
    assert!(
        !desk.snapshot().await.contains(&token),
        "only the token's hash is stored"
    );
    let user = desk.engine.authenticate_token(&token).await.unwrap();
    assert_eq!(user.username, "sam");
    let err = desk
        .engine
        .authenticate_token("not-a-token")
        .await
        .unwrap_err();
    assert_eq!(err.code(), 401, "{err}");
    let err = desk.engine.create_api_token(9_999).await.unwrap_err();
    assert_eq!(err.code(), 404, "{err}");
}

#[tokio::test]
async fn the_first_admin_is_made_once() {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(t0()));
    let engine = Engine::open(dir.path().join("desk.db"), clock, EngineConfig::default())
        .await
        .unwrap();
    assert!(
        !engine.has_admin().await.unwrap(),
        "a new desk has no admin"
    );
    let err = engine
        .create_first_admin("root", "short")
        .await
        .unwrap_err();
    assert_eq!(err.code(), 400, "{err}");
    assert!(
        !engine.has_admin().await.unwrap(),
        "a refused admin is not created"
    );

    let admin = engine
        .create_first_admin("root", "root-password")
        .await
        .unwrap();
    assert_eq!(admin.role, Role::Admin);
    assert!(engine.has_admin().await.unwrap());
    let err = engine
        .create_first_admin("other", "other-password")
        .await
        .unwrap_err();
    assert_eq!(err.code(), 409, "a second first admin conflicts: {err}");
    assert_eq!(engine.list_users().await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_audit_trail_is_for_staff_and_records_each_change() {
    let desk = Desk::new().await;
    let session =
        desk.engine
            .start_session(&desk.staff, "PC-01", "ann", chrono::Duration::minutes(30));
    let session = session.await.unwrap();
    desk.engine
        .end_session(&desk.ann, session.booking_id)
        .await
        .unwrap();

    let err = desk.engine.audit(&desk.ann, 10).await.unwrap_err();
    assert_eq!(
        err.code(),
        403,
        "patrons may not read the audit trail: {err}"
    );
    let audit = desk.engine.audit(&desk.staff, 2).await.unwrap();
    assert_eq!(audit.len(), 2, "the limit is kept");
    assert_eq!(audit[0].action, "session_ended");
    assert_eq!(audit[0].actor, "ann");
    assert_eq!(audit[0].reason.as_deref(), Some("ended_by_user"));
    assert_eq!(audit[0].booking_id, Some(session.booking_id));
    assert_eq!(audit[1].action, "session_started");
    assert_eq!(audit[1].actor, "sam");
    assert_eq!(audit[1].pc.as_deref(), Some("PC-01"));
    let all = desk.engine.audit(&desk.admin, 100).await.unwrap();
    let added = all.iter().filter(|e| e.action == "pc_added").count();
    assert_eq!(added, 3, "each added PC is in the trail");
}
