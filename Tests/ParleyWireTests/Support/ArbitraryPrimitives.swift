import ParleyTestSupport

/// Random primitive values for round-trip tests, biased towards edge cases (zero, varint
/// length boundaries, 2^53-1; empty strings, escapes, multi-byte UTF-8).
enum Arbitrary {
    static let edgeIntegers: [UInt64] = [0, 1, 127, 128, 16_383, 16_384, 1 << 32, (1 << 53) - 1]
    static let strings = ["", "a", "c-7f3a", "Olá 👋 你好", "quote \" backslash \\ newline \n tab \t", "\u{01}\u{1F}", String(repeating: "x", count: 200)]

    static func uint(_ rng: inout SeededRandom) -> UInt64 {
        Bool.random(using: &rng) ? edgeIntegers.randomElement(using: &rng)! : UInt64.random(in: 0...((1 << 53) - 1), using: &rng) >> UInt64.random(in: 0...52, using: &rng)
    }

    static func string(_ rng: inout SeededRandom) -> String {
        strings.randomElement(using: &rng)!
    }
}
