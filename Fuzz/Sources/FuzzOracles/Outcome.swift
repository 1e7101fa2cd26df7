import ParleyWire

/// Comparison of two decoding outcomes, used where the same input must decode the same way.
enum Outcome {
    /// Throws unless both outcomes are the same message (with byte-identical canonical
    /// encodings, since `String` equality is only canonical equivalence) or the same error code.
    static func requireSame(
        _ a: Result<Message, WireError>, _ b: Result<Message, WireError>, _ what: String,
        _ input: UnsafeRawBufferPointer
    ) throws(OracleFailure) {
        switch (a, b) {
        case (.success(let x), .success(let y)):
            try requireSame(x, y, what)
        case (.failure(let x), .failure(let y)):
            try OracleFailure.require(x.code == y.code, "\(what) disagree on \(hexString(input)): \(x) vs \(y)")
        default:
            try OracleFailure.require(false, "\(what) disagree on \(hexString(input)): \(a) vs \(b)")
        }
    }

    /// Throws unless `x` and `y` are equal and encode to the same bytes in both encodings.
    static func requireSame(_ x: Message, _ y: Message, _ what: String) throws(OracleFailure) {
        try OracleFailure.require(x == y, "\(what): \(x) != \(y)")
        try OracleFailure.require(x.binary == y.binary, "\(what): binary \(hexString(x.binary)) != \(hexString(y.binary))")
        try OracleFailure.require(x.json == y.json, "\(what): JSON \(String(decoding: x.json, as: UTF8.self)) != \(String(decoding: y.json, as: UTF8.self))")
    }
}
