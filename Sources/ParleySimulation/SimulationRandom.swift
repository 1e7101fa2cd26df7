import ParleyCore

/// The simulator's only source of randomness: the same seed always yields the same run, so a
/// failing seed reproduces exactly.
public typealias SimulationRandom = SplitMix64

extension SplitMix64 {
    /// True with probability `percent` / 100.
    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &self) < percent }

    /// A random element of a non-empty array, `nil` for an empty one.
    mutating func pick<T>(_ items: [T]) -> T? { items.isEmpty ? nil : items[Int.random(in: 0..<items.count, using: &self)] }
}
