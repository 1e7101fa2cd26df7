import ParleyCompression
import ParleyWire
import Synchronization

/// An event encoded once for all of its recipients (HUB-5): the bodies in both encodings are
/// built when the event is published, and every session's transport writes its own tiny
/// envelope (type and session seq, ``EventEnvelope``) before the same shared bytes.
public final class SharedEvent: Sendable {
    /// The event with seq 0; each delivery stamps its own.
    public let message: Message
    /// The shared body in the binary encoding (fields after `seq`).
    public let binaryBody: [UInt8]
    /// The shared body in the JSON encoding (members after `seq`).
    public let jsonBody: [UInt8]
    /// The binary body compressed once, made by the first connection that needs it (COMP-19).
    private let deflatedBinary = Mutex<SharedDeflateBody?>(nil)

    /// Encodes `message` (an event kind) once per encoding.
    public init(_ message: Message) {
        self.message = message.settingSeq(0)
        var binary: [UInt8] = []
        EventEnvelope.appendBody(of: message, encoding: .binary, to: &binary)
        var json: [UInt8] = []
        EventEnvelope.appendBody(of: message, encoding: .json, to: &json)
        binaryBody = binary
        jsonBody = json
    }

    /// The binary body compressed once for every compressed frame that carries this event
    /// (COMP-19, per-frame zlib of the byte stream): `make` runs for the first caller only.
    public func deflatedBinaryBody(_ make: ([UInt8]) -> SharedDeflateBody?) -> SharedDeflateBody? {
        deflatedBinary.withLock { cached in
            if cached == nil { cached = make(binaryBody) }
            return cached
        }
    }

    /// Appends the event stamped with `seq` in `encoding`, framed for the byte stream or not.
    public func append(seq: UInt64, encoding: EventEnvelope.Encoding, framed: Bool, to buffer: inout [UInt8]) {
        EventEnvelope.append(
            type: message.typeCode, seq: seq, body: encoding == .binary ? binaryBody[...] : jsonBody[...],
            encoding: encoding, framed: framed, to: &buffer)
    }
}

/// One item a transport writes: a message it encodes itself, or a shared event it frames.
public enum Outbound: Sendable, Hashable {
    /// A message for this connection only (results, control, replays).
    case message(Message)
    /// A published event with this session's sequence number.
    case event(seq: UInt64, SharedEvent)

    /// The message as the peer will decode it.
    public var message: Message {
        switch self {
        case .message(let message): message
        case .event(let seq, let shared): shared.message.settingSeq(seq)
        }
    }

    public static func == (lhs: Outbound, rhs: Outbound) -> Bool { lhs.message == rhs.message }

    public func hash(into hasher: inout Hasher) { hasher.combine(message) }
}
