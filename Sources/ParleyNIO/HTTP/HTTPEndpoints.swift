/// Plain HTTP answers on the WebSocket port: health, readiness and metrics for operators.
///
/// The server supplies the bodies; the HTTP handler only routes (`/healthz`, `/readyz`,
/// `/metrics`).
public protocol HTTPEndpoints: Sendable {
    /// Whether the server is ready to take connections (`/readyz` answers 200 or 503).
    var isReady: Bool { get }
    /// The Prometheus text exposition of the server's metrics (`/metrics`).
    func metricsText() -> String
}
