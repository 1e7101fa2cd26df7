import Foundation
import ParleyCore
import ParleyWire
import Testing

/// Observers are not told of one another (CONV-39): a conversation watched by many costs a
/// number of deliveries proportional to its observers, not to their square.
@Suite struct ObserverTests {
    static let observers = 200

    /// A conversation `c1` of visitor `v1`, assigned to `a1`, who answered; agents `o1`…`oN` of
    /// the same team, not accepting, ready to observe.
    static func watchedRoom() -> (CoreHarness, String) {
        var harness = CoreHarness()
        harness.team("sales", limit: 1)
        harness.agent("a1", teams: ["sales"], accepting: true)
        for index in 1...observers { harness.agent("o\(index)", teams: ["sales"]) }
        let id = harness.create("v1", text: "my parcel is late")
        harness.run("a1") { $0.send(id, text: "let me look", from: $1, now: $2) }
        return (harness, id)
    }

    /// Every delivery in `actions`: each recipient of an appended event, and each earlier event
    /// sent to new staff (CONV-31), as (user, event).
    static func deliveries(_ actions: [LiveChatAction]) -> [(user: String, event: ChatEvent)] {
        actions.flatMap { action -> [(user: String, event: ChatEvent)] in
            switch action {
            case .append(let event, let recipients): recipients.map { ($0, event) }
            case .backfill(let event, let recipient): [(recipient, event)]
            default: []
            }
        }
    }

    @Test func conv39ObserversJoiningCostDeliveriesLinearInTheirNumber() {
        var (harness, id) = Self.watchedRoom()
        let before = harness.log.count
        for index in 1...Self.observers {
            let outcome = harness.run("o\(index)") { $0.join(id, mode: .observer, from: $1, now: $2) }
            #expect(outcome.result.isSuccess)
        }
        let delivered = Self.deliveries(Array(harness.log[before...]))
        // Each join reaches the agent and the observer, and sends the observer at most the five
        // earlier events it may see: 7 deliveries. Announcing every join to every observer
        // already there would make it 200 · 201 / 2 = 20,100 live deliveries alone.
        #expect(delivered.count <= 7 * Self.observers, "\(delivered.count) deliveries for \(Self.observers) observers")
        let toOtherObservers = delivered.filter { $0.event.kind == .joined && $0.user != "a1" && $0.user != $0.event.agent }
        #expect(toOtherObservers.isEmpty, "\(toOtherObservers.count) joined events reached other observers")
        let toAgent = delivered.filter { $0.user == "a1" }.map(\.event.agent)
        #expect(toAgent == (1...Self.observers).map { "o\($0)" })
        #expect(!delivered.contains { $0.user == "v1" })
    }

    @Test func conv39EachObserverGetsItsOwnJoinedAndTheConversationSoFar() {
        var (harness, id) = Self.watchedRoom()
        for index in 1..<Self.observers { harness.run("o\(index)") { $0.join(id, mode: .observer, from: $1, now: $2) } }
        let last = harness.run("o\(Self.observers)") { $0.join(id, mode: .observer, from: $1, now: $2) }
        let received = Self.deliveries(last.actions).filter { $0.user == "o\(Self.observers)" }.map(\.event)
        // The window of CONV-31 (the last 100 events) holds only other observers' joins: they
        // are left out, not replaced by older events.
        #expect(received.map(\.kind) == [.joined])
        #expect(received.first?.agent == "o\(Self.observers)")
    }

    @Test func conv39ObserversReadingHistorySeeNoOtherObserver() throws {
        var (harness, id) = Self.watchedRoom()
        for index in 1...3 { harness.run("o\(index)") { $0.join(id, mode: .observer, from: $1, now: $2) } }
        func page(_ user: String, limit: Int? = nil) throws -> HistoryPage {
            let outcome = harness.run(user) { core, actor, _ in core.history(id, direction: .forward, limit: limit, from: actor) }
            guard case .success(.history(let page)) = outcome.result else { throw Failure("no page for \(user): \(outcome.result)") }
            return page
        }
        let observed = try page("o2")
        #expect(observed.events.filter { $0.kind == .joined }.map(\.agent) == ["o2"])
        #expect(try page("a1").events.filter { $0.kind == .joined }.map(\.agent) == ["o1", "o2", "o3"])
        // Staff of the team who do not observe it read every event.
        #expect(try page("o4").events.filter { $0.kind == .joined }.map(\.agent) == ["o1", "o2", "o3"])
        // The limit counts what the page holds.
        let short = try page("o2", limit: 5)
        #expect(short.events.map(\.cseq) == [1, 2, 3, 4, 5] && short.hasMore)
        #expect(try page("o2", limit: 6).events.map(\.cseq) == [1, 2, 3, 4, 5, 7])
    }

    @Test func conv39AnObserverLeavingIsNotToldToTheOthers() {
        var (harness, id) = Self.watchedRoom()
        harness.agent("p1", teams: ["sales"])
        harness.run("p1") { $0.join(id, mode: .participant, from: $1, now: $2) }
        for index in 1...3 { harness.run("o\(index)") { $0.join(id, mode: .observer, from: $1, now: $2) } }
        let left = harness.run("o2") { $0.leave(id, from: $1, now: $2) }
        let told = Self.deliveries(left.actions).filter { $0.event.kind == .left }.map(\.user)
        #expect(Set(told) == ["a1", "p1", "o2"])
    }

    @Test func conv39AnObserversReadMarkerReachesOnlyTheStaffWhoDoNotObserve() {
        var (harness, id) = Self.watchedRoom()
        for index in 1...Self.observers { harness.run("o\(index)") { $0.join(id, mode: .observer, from: $1, now: $2) } }
        let last = harness.core.conversation(id)!.lastCseq
        var told: [(reader: String, recipients: Set<String>)] = []
        for index in 1...Self.observers {
            let outcome = harness.run("o\(index)") { $0.read(id, upTo: last, from: $1, now: $2) }
            for case .readMarker(_, let user, _, let recipients) in outcome.actions { told.append((user, Set(recipients))) }
        }
        #expect(told.count == Self.observers)
        let wider = told.filter { $0.recipients != ["a1", $0.reader] }
        #expect(wider.isEmpty, "\(wider.count) markers reached more than the agent and their reader, e.g. \(wider.first?.recipients.count ?? 0) users")
    }

    @Test func conv39AnObserverWhoStartsToTakePartIsNotSentWhatItWasNotSent() {
        var (harness, id) = Self.watchedRoom()
        for index in 1...2 { harness.run("o\(index)") { $0.join(id, mode: .observer, from: $1, now: $2) } }
        let switched = harness.run("o1") { $0.join(id, mode: .participant, from: $1, now: $2) }
        let received = Self.deliveries(switched.actions).filter { $0.user == "o1" }.map(\.event.kind)
        #expect(received == [.joined])
        // Now a participant, it is told of the next observer, and its history holds every join.
        let third = harness.run("o3") { $0.join(id, mode: .observer, from: $1, now: $2) }
        #expect(Self.deliveries(third.actions).contains { $0.user == "o1" && $0.event.kind == .joined })
        #expect(!Self.deliveries(third.actions).contains { $0.user == "o2" && $0.event.kind == .joined })
    }

    @Test func joinedStaffKeepsItsParticipantsThroughModeChangesAndItsStoredForm() throws {
        var (harness, id) = Self.watchedRoom()
        harness.agent("p1", teams: ["sales"])
        harness.run("o1") { $0.join(id, mode: .observer, from: $1, now: $2) }
        harness.run("p1") { $0.join(id, mode: .participant, from: $1, now: $2) }
        harness.run("o2") { $0.join(id, mode: .participant, from: $1, now: $2) }
        harness.run("o1") { $0.join(id, mode: .participant, from: $1, now: $2) }
        harness.run("o2") { $0.join(id, mode: .observer, from: $1, now: $2) }
        let machine = try #require(harness.core.conversation(id))
        #expect(machine.staff == ["a1", "o1", "p1", "o2"])
        #expect(machine.nonObserverStaff == ["a1", "o1", "p1"])
        let stored = try JSONDecoder().decode(ConversationMachine.self, from: JSONEncoder().encode(machine))
        #expect(stored == machine)
        #expect(stored.nonObserverStaff == ["a1", "o1", "p1"])
    }
}

/// A test failure with a message.
private struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Result {
    /// Whether it is a success.
    fileprivate var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }
}
