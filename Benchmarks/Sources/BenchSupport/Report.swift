/// Prints measurements as an aligned table, each row with its ratio to a baseline row
/// measured in the same run, so results from different machines compare honestly.
public struct Report {
    private var rows: [(Measurement, baseline: String?, ratio: Double?)] = []
    private let title: String

    /// Starts a report for one suite.
    public init(_ title: String) { self.title = title }

    /// Adds a row; with `baseline`, the row also shows `rate / baseline.rate`.
    public mutating func add(_ m: Measurement, against baseline: Measurement? = nil) {
        rows.append((m, baseline?.name, baseline.map { m.rate / $0.rate }))
    }

    /// Prints the table to standard output.
    public func print() {
        Swift.print("\n== \(title) ==")
        Swift.print(pad("benchmark", 46) + pad("ops/s", 14) + pad("MB/s", 10) + pad("allocs/op", 11) + "ratio")
        for (m, baselineName, ratio) in rows {
            let ratioText = ratio.map { "\(fmt($0, 3))× vs \(baselineName!)" } ?? "(baseline)"
            Swift.print(
                pad(m.name, 46) + pad(fmt(m.rate, 0), 14)
                    + pad(m.bytes > 0 ? fmt(m.megabytesPerSecond, 1) : "-", 10)
                    + pad(fmt(m.allocationsPerOperation, 3), 11) + ratioText)
        }
    }

    private func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }
}

/// Formats a number with a fixed count of decimals, without Foundation.
public func fmt(_ value: Double, _ decimals: Int) -> String {
    guard value.isFinite else { return "\(value)" }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    if decimals == 0 { return String(Int64(rounded)) }
    let whole = Int64(rounded.rounded(.towardZero))
    var fraction = Int64(((abs(rounded) - Double(abs(whole))) * scale).rounded())
    var digits = ""
    for _ in 0..<decimals {
        digits = String(fraction % 10) + digits
        fraction /= 10
    }
    return (rounded < 0 && whole == 0 ? "-" : "") + "\(whole).\(digits)"
}
