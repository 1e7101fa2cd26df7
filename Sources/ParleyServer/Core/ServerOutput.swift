import ParleyCore
import ParleyTransport
import ParleyWire

/// What the host of a ``ServerCore`` must do after an input: write to a connection, close it,
/// run an authenticator, write to the store, or record a measure.
public enum ServerOutput: Sendable, Hashable {
    /// Write these messages to the connection, in order (one coalesced write).
    case send(ConnectionID, [Outbound])
    /// Close the connection after what was written; the code is the fatal error or goodbye
    /// reason (WS-4 turns it into a WebSocket status).
    case close(ConnectionID, ErrorCode)
    /// A service time was just measured (queue wait, first response, duration), for the host
    /// to record once, as it happens (CONV-26, METRICS-2).
    case measured(ServiceMeasure)
    /// Check these credentials from a connection's `hello` (SESSION-4) and answer with
    /// ``ServerCore/authenticated(_:on:now:)``, now or later: the connection waits, within its
    /// handshake deadline (SESSION-3), while every other connection goes on. The per-address
    /// admission checks (ABUSE-3, ABUSE-4) ran before this output; blocks (ABUSE-10) run on
    /// the answer.
    case authenticate(ConnectionID, Wire.Auth)
    /// Write this batch of durable changes to the store, after every earlier batch, and answer
    /// with ``ServerCore/persisted(_:now:)`` once it is durable (or ``ServerCore/persistFailed(_:now:)``
    /// when a write failed, then write it again). Every send and close from this input on waits
    /// for the confirmation (STORE-1, STORE-2); a host without a store confirms at once.
    case persist(PersistBatch)
    /// Read from the store — archived conversations (STORE-5) or a search's events (STORE-9) —
    /// and answer with ``ServerCore/loaded(_:_:now:)``: the command that needs them waits. Only
    /// with `LiveChatConfiguration.keepsArchive` off.
    case load(LoadRequest)
}

/// A numbered read from the store (``ServerOutput/load(_:)``).
public struct LoadRequest: Sendable, Hashable {
    /// The number to answer with.
    public var id: UInt64
    /// What to read.
    public var query: StoreRead

    /// A read numbered `id`.
    public init(id: UInt64, query: StoreRead) {
        self.id = id
        self.query = query
    }
}
