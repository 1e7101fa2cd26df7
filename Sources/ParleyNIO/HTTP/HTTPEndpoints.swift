/// Plain HTTP answers on the WebSocket port: health, readiness and metrics for operators, and
/// the website side's files for browsers.
///
/// The server supplies the bodies; the HTTP handler only routes (`/healthz`, `/readyz`,
/// `/metrics`, then ``asset(at:)`` for any other path).
public protocol HTTPEndpoints: Sendable {
    /// Whether the server is ready to take connections (`/readyz` answers 200 or 503).
    var isReady: Bool { get }
    /// The Prometheus text exposition of the server's metrics (`/metrics`).
    func metricsText() -> String
    /// A file to serve at `path` (`GET`), if any.
    func asset(at path: String) -> HTTPAsset?
}

extension HTTPEndpoints {
    /// No files: only health, readiness and metrics.
    public func asset(at path: String) -> HTTPAsset? { nil }
}

/// A file served over HTTP, with its type; the handler adds caching and security headers.
public struct HTTPAsset: Sendable {
    /// Its `Content-Type`.
    public var contentType: String
    /// Its bytes.
    public var body: [UInt8]

    /// Creates an asset.
    public init(contentType: String, body: [UInt8]) {
        self.contentType = contentType
        self.body = body
    }
}
