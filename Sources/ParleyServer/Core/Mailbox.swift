/// One of ``ServerCore``'s two mailboxes: the session shard's (``ServerCore/queuedInputs``).
public enum Mailbox: Sendable, Hashable {
    /// The session shard's: inputs from the transports, and what the hub tells the sessions.
    case shard
    /// The hub's: what the shard tells live chat, presence and the users' records.
    case hub
}
