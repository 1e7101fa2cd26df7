import ParleyCore
import Testing

@Suite struct InstantTests {
    @Test func addingSaturatesAndDifferencesNeverUnderflow() {
        let t = Instant(milliseconds: 1_000)
        #expect(t.adding(milliseconds: 500).rawValue == 1_500)
        #expect(Instant(rawValue: .max - 1).adding(milliseconds: 10).rawValue == .max)
        #expect(t.adding(milliseconds: 250).milliseconds(since: t) == 250)
        #expect(t.milliseconds(since: t.adding(milliseconds: 5)) == 0)
    }
}
