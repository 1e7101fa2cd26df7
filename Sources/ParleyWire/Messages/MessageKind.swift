/// The role a message plays in a session (MSG-3); it decides whether it carries a request id,
/// a sequence number, and whether it may be dropped under load.
public enum MessageKind: Sendable, Hashable {
    /// Client to server, carries `rid`, answered by exactly one result.
    case command
    /// Client to server, no `rid`, no answer unless it fails.
    case signal
    /// Server to client, answers one command by its `rid`.
    case result
    /// Server to client, durable: carries a session `seq`, retained until acknowledged.
    case event
    /// Server to client, no `seq`: may be coalesced or dropped under load.
    case ephemeral
    /// Either direction, outside the sequence (ping, pong, goodbye).
    case control
}

/// Which side may send a message (MSG-2).
public enum MessageSender: Sendable, Hashable {
    /// Only clients send it.
    case client
    /// Only servers send it.
    case server
    /// Either side sends it.
    case both
}
