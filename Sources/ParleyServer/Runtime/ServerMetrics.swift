import CoreMetrics
import ParleyCore
import ParleyWire

/// The reference server's metrics, reported through any swift-metrics factory (the `parley`
/// command exports them as Prometheus text on `/metrics`).
///
/// Connections, messages in and out, disconnects by reason, and per conversation the queue
/// wait, the time to first agent response and the duration, recorded when it closes.
struct ServerMetrics: Sendable {
    private let factory: any MetricsFactory
    private let connections: Gauge
    private let messagesIn: Counter
    private let messagesOut: Counter
    private let queueWait: Timer
    private let firstResponse: Timer
    private let duration: Timer
    private let conversationsClosed: Counter

    init(factory: any MetricsFactory) {
        self.factory = factory
        connections = Gauge(label: "parley_connections", factory: factory)
        messagesIn = Counter(label: "parley_messages_in_total", factory: factory)
        messagesOut = Counter(label: "parley_messages_out_total", factory: factory)
        queueWait = Timer(label: "parley_queue_wait_seconds", factory: factory)
        firstResponse = Timer(label: "parley_first_response_seconds", factory: factory)
        duration = Timer(label: "parley_conversation_duration_seconds", factory: factory)
        conversationsClosed = Counter(label: "parley_conversations_closed_total", factory: factory)
    }

    func received() { messagesIn.increment() }

    func sent(_ count: Int) { messagesOut.increment(by: count) }

    func connectionCount(_ count: Int) { connections.record(count) }

    /// A connection closed by the server, counted by the reason's spec name.
    func disconnected(_ reason: ErrorCode) {
        Counter(label: "parley_disconnects_total", dimensions: [("reason", reason.name)], factory: factory).increment()
    }

    /// A conversation closed: its service metrics (CONV-26).
    func closed(_ metrics: ChatMetrics) {
        conversationsClosed.increment()
        if let ms = metrics.queueWaitMs { queueWait.recordMilliseconds(ms) }
        if let ms = metrics.firstResponseMs { firstResponse.recordMilliseconds(ms) }
        if let ms = metrics.durationMs { duration.recordMilliseconds(ms) }
    }
}
