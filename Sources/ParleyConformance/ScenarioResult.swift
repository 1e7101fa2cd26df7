/// The outcome of running one scenario.
public struct ScenarioResult: Sendable {
    /// Passed, failed, or not run.
    public enum Status: String, Sendable, Hashable {
        /// `passed`: every step went as expected; `failed`: one did not; `skipped`: not run, or
        /// stopped without a verdict (a credential, capability or optional feature missing, or
        /// waits over the run's limit).
        case passed, failed, skipped
    }

    /// The scenario's id.
    public var id: String
    /// The requirements it checks.
    public var requirements: [String]
    /// The outcome.
    public var status: Status
    /// For a failure, the failing step and what went wrong (what was expected, what came);
    /// for a skip, why.
    public var detail: String?
    /// What was sent and received, in order, up to the end of the run (`→` sent, `←` received).
    public var log: [String]
    /// How long the run took, in milliseconds of real time.
    public var durationMs: UInt64 = 0

    /// Whether every step passed.
    public var passed: Bool { status == .passed }
    /// The failure, `nil` if it did not fail.
    public var failure: String? { status == .failed ? detail : nil }
}
