import Synchronization

/// The connections a fan-out run set up on one server, ready to publish: whatever the
/// protocol, the run publishes, drains and counts through these.
struct FanoutCast: Sendable {
    /// One publishing connection and the rooms it writes.
    struct Publishing: Sendable {
        var wire: any PublishWire
        var rooms: [Publisher.Room]
    }

    /// Every publishing connection.
    var publishers: [Publishing]
    /// The subscribers' meters (their subscriptions say their rooms).
    var subscribers: [ConnectionMeter]
    /// Seconds from the first subscriber's connect until all of them were subscribed and the
    /// server quiet (on Parley, their joins announced to the room).
    var subscriberSeconds: Double
    /// Every connection of the cast, to close at the end of the run.
    var roster: Roster

    /// Opens `count` connections with `open(i)`, at most `concurrency` at once; `progress` is
    /// told how many are open every 100 and at the end. The first failure fails the whole.
    static func openAll<T: Sendable>(
        count: Int, concurrency: Int, progress: @escaping @Sendable (Int) -> Void, open: @escaping @Sendable (Int) async throws -> T
    ) async throws -> [T] {
        try await withThrowingTaskGroup(of: T.self) { tasks in
            var opened: [T] = []
            var next = 0
            func add() {
                let i = next
                next += 1
                tasks.addTask { try await open(i) }
            }
            while next < min(max(1, concurrency), count) { add() }
            for try await one in tasks {
                opened.append(one)
                if opened.count % 100 == 0 || opened.count == count { progress(opened.count) }
                if next < count { add() }
            }
            return opened
        }
    }
}

/// Everything a setup opened, so that all of it is closed at the end of the run, or as soon as
/// the setup fails: last registered, first undone (as `defer` blocks run).
final class Roster: Sendable {
    private let undo = Mutex<[@Sendable () -> Void]>([])

    /// Registers `step`, run by ``leaveAll()``.
    func add(_ step: @escaping @Sendable () -> Void) {
        undo.withLock { $0.append(step) }
    }

    /// Runs every registered step, the last registered first, once.
    func leaveAll() {
        let steps = undo.withLock { undo in defer { undo = [] }; return undo }
        for step in steps.reversed() { step() }
    }

    /// Runs a setup with a new roster; if the setup fails, undoes what it had opened.
    static func casting(_ setup: (Roster) async throws -> FanoutCast) async throws -> FanoutCast {
        let roster = Roster()
        do {
            return try await setup(roster)
        } catch {
            roster.leaveAll()
            throw error
        }
    }
}
