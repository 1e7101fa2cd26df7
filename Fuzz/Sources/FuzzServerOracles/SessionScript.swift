/// Reads a `FuzzSession` input as a script: each call takes the next byte, and missing bytes
/// count as zero, so every input is a valid script and every byte is a choice.
///
/// The oracle spends one byte on each operation's kind and a few more on its arguments, so
/// libFuzzer's byte-level mutations become operation-level ones (insert, drop, change an
/// argument) without a grammar.
struct SessionScript {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Whether the script has bytes left.
    var hasMore: Bool { offset < bytes.count }

    /// The next byte, or 0 past the end.
    mutating func byte() -> UInt8 {
        defer { offset += 1 }
        return offset < bytes.count ? bytes[offset] : 0
    }

    /// One element of `choices`, picked by the next byte.
    mutating func pick<T>(_ choices: [T]) -> T { choices[Int(byte()) % choices.count] }

    /// An optional element: `nil` or one of `choices`.
    mutating func maybe<T>(_ choices: [T]) -> T? {
        let b = Int(byte())
        return b % (choices.count + 1) == 0 ? nil : choices[b % (choices.count + 1) - 1]
    }

    /// A boolean from the next byte's low bit.
    mutating func flag() -> Bool { byte() & 1 == 1 }
}
