import CoreMetrics
import ParleyCore
import ParleyWire

/// The reference server's metrics, reported through any swift-metrics factory (the `parley`
/// command exports them as Prometheus text on `/metrics`). Names, types and labels are those
/// of Spec/metrics.md.
///
/// Connections, messages in and out, disconnects by reason, and per team the queue wait, the
/// time to first agent response and the duration of conversations, each recorded the moment it
/// is known (METRICS-2); with a store, its writes, batches and reads.
struct ServerMetrics: Sendable {
    private let factory: any MetricsFactory
    private let connections: Gauge
    private let messagesIn: Counter
    private let messagesOut: Counter

    init(factory: any MetricsFactory) {
        self.factory = factory
        connections = Gauge(label: "parley_connections", factory: factory)
        messagesIn = Counter(label: "parley_messages_in_total", factory: factory)
        messagesOut = Counter(label: "parley_messages_out_total", factory: factory)
    }

    func received() { messagesIn.increment() }

    func sent(_ count: Int) { messagesOut.increment(by: count) }

    func connectionCount(_ count: Int) { connections.record(count) }

    /// A connection closed by the server, counted by the reason's spec name.
    func disconnected(_ reason: ErrorCode) {
        Counter(label: "parley_disconnects_total", dimensions: [("reason", reason.name)], factory: factory).increment()
    }

    /// A write to the host's store: its outcome, and the batches a successful one made durable.
    func stored(_ outcome: StoreWriter.Outcome) {
        switch outcome {
        case .written(let batches):
            Counter(label: "parley_store_writes_total", dimensions: [("outcome", "written")], factory: factory).increment()
            Counter(label: "parley_store_batches_total", factory: factory).increment(by: batches.count)
        case .failed:
            Counter(label: "parley_store_writes_total", dimensions: [("outcome", "failed")], factory: factory).increment()
        }
    }

    /// A read from the host's store: archived conversations (STORE-5, STORE-8) or a search (STORE-9).
    func storeRead(failed: Bool) {
        Counter(label: "parley_store_reads_total", dimensions: [("outcome", failed ? "failed" : "read")], factory: factory).increment()
    }

    /// A service time, as it is measured (CONV-26, METRICS-2).
    func record(_ measure: ServiceMeasure) {
        switch measure {
        case .queueWait(let ms, let team):
            Timer(label: "parley_queue_wait_seconds", dimensions: [("team", team)], factory: factory).recordMilliseconds(ms)
        case .firstResponse(let ms, let team):
            Timer(label: "parley_first_response_seconds", dimensions: [("team", team)], factory: factory).recordMilliseconds(ms)
        case .duration(let ms, let team):
            Timer(label: "parley_conversation_duration_seconds", dimensions: [("team", team)], factory: factory).recordMilliseconds(ms)
            Counter(label: "parley_conversations_closed_total", dimensions: [("team", team)], factory: factory).increment()
        }
    }
}
