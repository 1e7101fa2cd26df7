import ParleyCore

/// The deterministic generator for randomized tests and simulations (ParleyCore's SplitMix64).
public typealias SeededRandom = SplitMix64
