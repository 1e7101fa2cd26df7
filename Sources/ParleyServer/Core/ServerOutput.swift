import ParleyCore
import ParleyTransport
import ParleyWire

/// What the host of a ``ServerCore`` must do after an input: write to a connection, or close it.
public enum ServerOutput: Sendable, Hashable {
    /// Write these messages to the connection, in order (one coalesced write).
    case send(ConnectionID, [Outbound])
    /// Close the connection after what was written; the code is the fatal error or goodbye
    /// reason (WS-4 turns it into a WebSocket status).
    case close(ConnectionID, ErrorCode)
    /// A service time was just measured (queue wait, first response, duration), for the host
    /// to record once, as it happens (CONV-26, METRICS-2).
    case measured(ServiceMeasure)
}
