import ParleyWire

/// Checks that the binary and JSON encodings are two spellings of one value (ENC-7): whatever
/// decodes from either re-encodes to the other and decodes back to the same message, and a
/// message's canonical encodings re-decode to it exactly.
public enum DifferentialOracle {
    /// Tries `input` as a binary payload and as a JSON text, and round-trips what decodes.
    public static func check(_ input: UnsafeRawBufferPointer) throws(OracleFailure) {
        if let message = try BinaryOracle.check(input) { try roundTrip(message, "binary input") }
        if let message = try JSONOracle.check(input) { try roundTrip(message, "JSON input") }
    }

    /// Re-decodes both canonical encodings of `message`; each must give back `message`, with
    /// byte-identical encodings.
    static func roundTrip(_ message: Message, _ origin: String) throws(OracleFailure) {
        let binary = message.binary
        let json = message.json
        switch Result(catching: { () throws(WireError) in try Message.decodeBinary(binary) }) {
        case .success(let again): try Outcome.requireSame(message, again, "\(origin) → canonical binary → decode")
        case .failure(let error):
            throw OracleFailure(description: "\(origin): canonical binary \(hexString(binary)) does not decode: \(error)")
        }
        switch Result(catching: { () throws(WireError) in try Message.decodeJSON(json) }) {
        case .success(let again): try Outcome.requireSame(message, again, "\(origin) → canonical JSON → decode")
        case .failure(let error):
            throw OracleFailure(
                description: "\(origin): canonical JSON \(String(decoding: json, as: UTF8.self)) does not decode: \(error)")
        }
    }
}
