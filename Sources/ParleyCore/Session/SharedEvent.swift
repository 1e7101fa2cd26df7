import ParleyWire
import Synchronization

/// An event encoded once for all of its recipients (HUB-5): the binary body is built when the
/// event is published (the logs' byte bounds measure it), the JSON body by the first recipient
/// that speaks JSON, so a server whose connections all speak binary never encodes JSON; every
/// session's outbound log holds a reference to it
/// (HUB-6), and every session's transport writes its own tiny envelope (type and session seq,
/// `EventEnvelope`) before the same shared bytes (HUB-7).
public final class SharedEvent: OutboundPayload {
    /// The event with seq 0; each delivery stamps its own.
    public let message: Message
    /// The shared body in the binary encoding (fields after `seq`).
    public let binaryBody: [UInt8]
    /// The shared body in the JSON encoding (members after `seq`), encoded on first use.
    public var jsonBody: [UInt8] {
        json.withTSanVisibleLock { cached in
            if let cached { return cached }
            var body: [UInt8] = []
            if message.kind == .event { EventEnvelope.appendBody(of: message, encoding: .json, to: &body) }
            cached = body
            return body
        }
    }
    /// The JSON body once a recipient needed it.
    private let json = Mutex<[UInt8]?>(nil)
    /// For an ephemeral message, the state it replaces in a session's log (HUB-8), made once
    /// for all recipients; `nil` for an event.
    public let coalescingKey: CoalescingKey?
    /// The binary body compressed once, made by the first connection that needs it (COMP-19).
    private let deflatedBinary = Mutex<(any Sendable)?>(nil)

    /// Encodes `message` (an event kind) once in binary; JSON waits for a JSON recipient. An
    /// ephemeral message (typers, presence, queue position) is kept as the value only:
    /// transports encode it whole, and its size does not count against the log's byte bounds
    /// (HUB-9).
    public init(_ message: Message) {
        self.message = message.settingSeq(0)
        var binary: [UInt8] = []
        if message.kind == .event { EventEnvelope.appendBody(of: message, encoding: .binary, to: &binary) }
        binaryBody = binary
        coalescingKey = message.coalescingKey
    }

    /// The event as the session with sequence number `seq` receives it.
    public func message(seq: UInt64) -> Message { message.settingSeq(seq) }

    /// The binary body compressed once for every compressed frame that carries this event
    /// (COMP-19, per-frame zlib of the byte stream): `make` runs for the first caller only.
    /// The compressor lives above this layer, so its result is kept opaque here.
    public func deflatedBinaryBody<Body: Sendable>(_ make: ([UInt8]) -> Body?) -> Body? {
        deflatedBinary.withTSanVisibleLock { cached in
            if cached == nil { cached = make(binaryBody) }
            return cached as? Body
        }
    }

    /// The size of the body in `encoding`: the log bounds its retained bytes with it (HUB-9).
    public func count(_ encoding: PayloadEncoding) -> Int {
        switch encoding {
        case .binary: binaryBody.count
        case .json: jsonBody.count
        }
    }

    /// Appends the event stamped with `seq` in `encoding`, framed for the byte stream or not.
    public func append(seq: UInt64, encoding: EventEnvelope.Encoding, framed: Bool, to buffer: inout [UInt8]) {
        EventEnvelope.append(
            type: message.typeCode, seq: seq, body: encoding == .binary ? binaryBody[...] : jsonBody[...],
            encoding: encoding, framed: framed, to: &buffer)
    }
}
