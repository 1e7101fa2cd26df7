import ParleyClient
import Testing
@testable import ParleyBench

/// The side-by-side table of `parley bench compare`: medians per figure, the ratio column, and
/// a note for every run that was not clean.
@Suite struct FanoutComparisonTests {
    /// A result of `source` on `server` with `deliveries` over one second.
    func result(_ source: FanoutComparison.Case, _ server: ServerKind, deliveries: Int, lost: Int = 0) -> FanoutResult {
        let options = source.options(server: server, endpoint: Endpoint(binding: .stream, host: "127.0.0.1", port: 1), key: [], duration: 1)
        var result = FanoutResult(
            options: options, latency: DeliveryStats.makeHistogram(), slowLatency: DeliveryStats.makeHistogram(), elapsed: 1, accepted: 1,
            unanswered: 0, refused: 0, sessionGaps: 0, sessionRepeats: 0, reads: 1, setupSeconds: 1, subscriberSetupSeconds: 0.5,
            firstRefusal: nil)
        result.deliveries = deliveries
        result.lost = lost
        return result
    }

    @Test func figuresAreMediansAndTheRatioIsParleyOverNATS() {
        let source = FanoutComparison.fanout1000
        let table = FanoutComparison.table([
            source: [
                .redis: [result(source, .redis, deliveries: 900), result(source, .redis, deliveries: 100), result(source, .redis, deliveries: 500)],
                .nats: [result(source, .nats, deliveries: 400)],
                .parley: [result(source, .parley, deliveries: 100, lost: 3), result(source, .parley, deliveries: 300)],
            ]
        ])
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines.contains("| 1 → 1,000 × 100 B, max rate: deliveries/s | 500 | 400 | 200 | 0.50× |"))
        #expect(lines.contains("| 1 → 100 × 100 B, max rate: deliveries/s | — | — | — | — |"))
        #expect(lines.contains("| setup of 1,000 subscribers (s) | 0.50 | 0.50 | 0.50 | 1.00× |"))
        #expect(lines.contains("- Parley, 1 → 1,000 × 100 B, max rate: not clean — lost 3"))
    }

    @Test func medianOfNothingIsNothing() {
        #expect(FanoutComparison.median([]) == nil)
        #expect(FanoutComparison.median([3, 1, 2]) == 2)
        #expect(FanoutComparison.median([4, 1, 3, 2]) == 2.5)
    }
}
