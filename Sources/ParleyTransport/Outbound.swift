import ParleyCore
import ParleyWire

/// One item a transport writes: a message it encodes itself, or a shared event it frames.
public enum Outbound: Sendable, Hashable {
    /// A message for this connection only (results, control, ephemeral). Boxed, so the enum
    /// stays two words and the fan-out path moves no 300-byte `Message` per delivery.
    indirect case message(Message)
    /// A published event with this session's sequence number.
    case event(seq: UInt64, SharedEvent)

    /// The message as the peer will decode it.
    public var message: Message {
        switch self {
        case .message(let message): message
        case .event(let seq, let shared): shared.message(seq: seq)
        }
    }

    /// Whether both items carry the same message as the peer decodes it.
    public static func == (lhs: Outbound, rhs: Outbound) -> Bool { lhs.message == rhs.message }

    /// Hashes the message as the peer decodes it.
    public func hash(into hasher: inout Hasher) { hasher.combine(message) }
}
