#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Histogram

/// An SVG of a latency percentile distribution, drawn as HdrHistogram's plotter does: the x
/// axis is the percentile on a log scale of 1/(1-p) (so p99.9 is as far from p99 as p99 from
/// p90), the y axis the latency in ms.
public enum LatencyPlot {
    /// The SVG document for `histogram` (µs values), with `title` on top.
    public static func svg(_ histogram: Histogram<UInt64>, title: String) -> String {
        let width = 800.0, height = 480.0, left = 70.0, right = 20.0, top = 40.0, bottom = 50.0
        let plotW = width - left - right, plotH = height - top - bottom
        let maxNines = 5.0  // up to p99.999
        var points: [(x: Double, y: Double)] = []
        if histogram.totalCount > 0 {
            for value in histogram.percentiles(ticksPerHalfDistance: 5) {
                let p = min(value.percentileLevelIteratedTo / 100, 1 - 1e-5)
                points.append((x: min(maxNines, -log10(1 - p)), y: Double(value.value) / 1_000))
                if p >= 1 - 1e-5 { break }
            }
        }
        let yMax = niceCeiling(max(points.map(\.y).max() ?? 1, 0.001))
        func px(_ x: Double) -> Double { left + x / maxNines * plotW }
        func py(_ y: Double) -> Double { top + plotH - y / yMax * plotH }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(Int(width / 2))" y="22" text-anchor="middle" font-size="15">\(escape(title))</text>

            """
        for (i, label) in ["p0", "p90", "p99", "p99.9", "p99.99", "p99.999"].enumerated() {
            let x = px(Double(i))
            svg += "<line x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(top + plotH))\" stroke=\"#ddd\"/>"
            svg += "<text x=\"\(f(x))\" y=\"\(f(top + plotH + 18))\" text-anchor=\"middle\">\(label)</text>\n"
        }
        for i in 0...5 {
            let y = yMax * Double(i) / 5
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(py(y)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(py(y)))\" stroke=\"#ddd\"/>"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(py(y) + 4))\" text-anchor=\"end\">\(FanoutResult.fixed(y, y < 10 ? 2 : 0))</text>\n"
        }
        svg += "<text x=\"16\" y=\"\(f(top + plotH / 2))\" transform=\"rotate(-90 16 \(f(top + plotH / 2)))\" text-anchor=\"middle\">latency (ms)</text>\n"
        svg += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 8))\" text-anchor=\"middle\">percentile</text>\n"
        let path = points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
        svg += "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"\(path)\"/>\n</svg>\n"
        return svg
    }

    private static func niceCeiling(_ value: Double) -> Double {
        var step = 1e-3
        while step * 10 < value { step *= 10 }
        for m in [1.0, 2, 5, 10] where step * m >= value { return step * m }
        return step * 10
    }

    private static func f(_ v: Double) -> String { FanoutResult.fixed(v, 1) }

    private static func escape(_ s: String) -> String {
        s.replacingAll("&", "&amp;").replacingAll("<", "&lt;").replacingAll(">", "&gt;")
    }
}

extension String {
    fileprivate func replacingAll(_ target: Character, _ replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
