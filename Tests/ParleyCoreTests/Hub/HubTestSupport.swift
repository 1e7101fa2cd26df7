import ParleyCore

/// Test payloads: the body is an event id (8 bytes, little-endian), then the encoding's raw
/// value, padded with `padding` zero bytes, so a test reads back which event and which encoding
/// a delivery carries.
enum TestEvent {
    static func encode(_ id: UInt64, padding: Int = 0) -> (PayloadEncoding, inout [UInt8]) -> Void {
        { encoding, bytes in
            withUnsafeBytes(of: id.littleEndian) { bytes.append(contentsOf: $0) }
            bytes.append(encoding.rawValue)
            bytes.append(contentsOf: repeatElement(0, count: padding))
        }
    }

    static func payload(_ id: UInt64, encodings: EncodingSet = EncodingSet(.binary), padding: Int = 0) -> SharedPayload {
        SharedPayload(messageType: 34, encodings: encodings, encode: encode(id, padding: padding))
    }

    static func id(of payload: SharedPayload, _ encoding: PayloadEncoding = .binary) -> UInt64 {
        var id: UInt64 = 0
        for (shift, byte) in payload.bytes(encoding).prefix(8).enumerated() { id |= UInt64(byte) << (8 * UInt64(shift)) }
        return id
    }

    /// Bytes of a test payload with `padding`: 9 + padding.
    static func size(padding: Int) -> Int { 9 + padding }
}

extension SubscriberQueue {
    /// Drains everything and returns (seq, id, kind) triples.
    func drainAll() -> [(seq: UInt64, id: UInt64, kind: DeliveryKind)] {
        var batch: [Delivery<SharedPayload>] = []
        _ = drain(into: &batch)
        return batch.map { ($0.seq, TestEvent.id(of: $0.payload, encoding), $0.kind) }
    }
}
