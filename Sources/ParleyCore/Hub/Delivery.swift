/// Whether an event is part of a session's durable, sequenced stream or a replaceable state.
public enum DeliveryKind: UInt8, Sendable, Hashable {
    /// Numbered with the session's next sequence number and retained until acknowledged (HUB-7).
    case durable
    /// Not numbered, never retained after drain, coalesced by key (HUB-8).
    case ephemeral
}

/// One entry a transport drains from a session's outbound log: the shared body, the session
/// sequence number to write in the envelope, and its kind. Holds a reference, copies no bytes.
public struct Delivery<Payload: OutboundPayload>: Sendable, Hashable {
    /// The shared, pre-encoded body.
    public let payload: Payload
    /// The session sequence number for durable events; 0 for ephemeral ones.
    public let seq: UInt64
    /// Durable or ephemeral.
    public let kind: DeliveryKind

    /// A delivery of `payload` with `seq` and `kind`.
    public init(payload: Payload, seq: UInt64, kind: DeliveryKind) {
        self.payload = payload
        self.seq = seq
        self.kind = kind
    }

    /// Equal when they carry the same payload object, sequence number and kind.
    public static func == (lhs: Delivery, rhs: Delivery) -> Bool {
        lhs.payload === rhs.payload && lhs.seq == rhs.seq && lhs.kind == rhs.kind
    }

    /// Hashes what `==` compares: the payload's identity, the sequence number and the kind.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(payload))
        hasher.combine(seq)
        hasher.combine(kind)
    }
}
