//! TcHmi's JSON frames as they come off the wire (private): the requests we send, the replies and
//! error objects we read, and the `ListActiveSessions` value converted into the model.
//!
//! Parsing is tolerant where the protocol reference is unsure: unknown fields are skipped, every
//! field but the ones we key on may be missing or null, and numbers may arrive as strings (the
//! server's `USEINT64STRING` setting).

mod frame;
mod lenient;
mod listing;
mod request;

#[cfg(fuzzing)]
pub(crate) use frame::reply_id;
pub(crate) use frame::{LoginReply, Reply, Routed, ServerError, route};
pub(crate) use listing::Listing;
pub(crate) use request::{
    FORCE_LOGOUT, LIST_ACTIVE_SESSIONS, LOGIN, force_logout_request, list_request, login_request,
    logout_request,
};
