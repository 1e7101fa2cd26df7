import ParleyCore
import ParleyWire

/// One input for one connection's ``ServerSession``: what the transport, the clock, the host
/// or the rest of the server tells it. ``SessionShard`` queues them and runs them one at a
/// time, in order, so no machine is called while another's (or its own) actions are still
/// being carried out.
indirect enum SessionInput: Sendable {
    /// A message decoded from the connection.
    case message(Message)
    /// Bytes that did not decode (ERR-3, ERR-4), with the message type when it was read (VER-4).
    case undecodable(WireError, messageType: UInt64?)
    /// The connection's deadline passed.
    case tick
    /// The server is going away (SERVER_SHUTDOWN).
    case shutdown(reconnectAfterMs: UInt64)
    /// The host's authenticator answered, after the server's own admission checks.
    case authenticated(Result<AuthenticatedIdentity, AuthFailure>)
    /// A command's result for the session the connection carried when it was queued (SESSION-12).
    case complete(Message, session: String)
    /// Events were offered to the session's log: write what is due.
    case flush
    /// The session was resumed on another connection (SESSION-16).
    case replaced
    /// The server ends the connection with a fatal error (ABUSE-9: blocked).
    case terminate(Termination)
}

extension SessionInput {
    /// Whether this is ``flush``.
    var isFlush: Bool {
        if case .flush = self { true } else { false }
    }
}
