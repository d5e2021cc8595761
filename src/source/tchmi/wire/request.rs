//! The requests we send: one ReadWrite command each, asking for readable errors and nothing
//! echoed back.

use serde_json::json;

use crate::source::SubscriptionDetails;

pub(crate) const LOGIN: &str = "Login";
pub(super) const LOGOUT: &str = "Logout";
pub(crate) const LIST_ACTIVE_SESSIONS: &str = "ListActiveSessions";
pub(crate) const FORCE_LOGOUT: &str = "ForceLogout";

/// A ReadWrite request of one command. Only `SendErrorMessage`, for readable errors; never
/// `SendWriteValue`, so the server has no reason to echo a password back.
fn request(id: u64, symbol: &str, write_value: Option<serde_json::Value>) -> String {
    let mut command = json!({"symbol": symbol, "commandOptions": ["SendErrorMessage"]});
    if let Some(value) = write_value {
        command["writeValue"] = value;
    }
    json!({"requestType": "ReadWrite", "id": id, "commands": [command]}).to_string()
}

/// `Login` for this socket only (`persistent: false`): no cookie is wanted.
pub(crate) fn login_request(id: u64, user: &str, password: &str) -> String {
    let value = json!({"userName": user, "password": password, "persistent": false});
    request(id, LOGIN, Some(value))
}

pub(crate) fn logout_request(id: u64) -> String {
    request(id, LOGOUT, None)
}

/// `ForceLogout` of the one session with this id: the administrator's way to end another
/// session (its `writeValue` may also name a user, a client address or a group; we never do).
pub(crate) fn force_logout_request(id: u64, session_id: &str) -> String {
    request(id, FORCE_LOGOUT, Some(json!({ "sessionId": session_id })))
}

/// `ListActiveSessions`; `writeValue` only names what was asked for, so a plain call stays VOID
/// as the symbol's schema prefers.
pub(crate) fn list_request(id: u64, details: SubscriptionDetails) -> String {
    let mut ask = serde_json::Map::new();
    if details.lengths {
        ask.insert("readValueJsonLength".into(), true.into());
    }
    if details.durations {
        ask.insert("averageDuration".into(), true.into());
    }
    let value = (!ask.is_empty()).then(|| ask.into());
    request(id, LIST_ACTIVE_SESSIONS, value)
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    macro_rules! fixture {
        ($name:literal) => {
            include_str!(concat!("../../../../tests/fixtures/tchmi/", $name))
        };
    }

    #[test]
    fn force_logout_names_one_session() {
        let request: Value = serde_json::from_str(&force_logout_request(2, "7c2e")).unwrap();
        assert_eq!(
            request,
            json!({"requestType": "ReadWrite", "id": 2, "commands": [{"symbol": "ForceLogout",
                "commandOptions": ["SendErrorMessage"], "writeValue": {"sessionId": "7c2e"}}]})
        );
    }

    #[test]
    fn requests_carry_only_what_was_asked() {
        let plain: Value =
            serde_json::from_str(&list_request(43, SubscriptionDetails::default())).unwrap();
        let example: Value =
            serde_json::from_str(fixture!("listactivesessions-plain-request.json")).unwrap();
        assert_eq!(plain, example);

        let both = SubscriptionDetails {
            lengths: true,
            durations: true,
        };
        let asked: Value = serde_json::from_str(&list_request(44, both)).unwrap();
        let example: Value =
            serde_json::from_str(fixture!("listactivesessions-averageduration-request.json"))
                .unwrap();
        assert_eq!(
            asked["commands"][0]["writeValue"],
            example["commands"][0]["writeValue"]
        );
        assert_eq!(asked["id"], 44);

        let lengths = SubscriptionDetails {
            lengths: true,
            durations: false,
        };
        let asked: Value = serde_json::from_str(&list_request(2, lengths)).unwrap();
        let example: Value =
            serde_json::from_str(fixture!("listactivesessions-request.json")).unwrap();
        assert_eq!(
            asked["commands"][0]["writeValue"],
            example["commands"][0]["writeValue"]
        );
    }

    #[test]
    fn login_passes_the_domain_through_and_asks_for_no_echo() {
        let sent: Value = serde_json::from_str(&login_request(
            1,
            "TcHmiUserManagement::__SystemAdministrator",
            "1",
        ))
        .unwrap();
        let mut example: Value = serde_json::from_str(fixture!("login-request.json")).unwrap();
        example["commands"][0]["commandOptions"] = json!(["SendErrorMessage"]);
        assert_eq!(sent, example);
    }
}
