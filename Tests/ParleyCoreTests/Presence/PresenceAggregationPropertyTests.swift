import ParleyTestSupport
import ParleyCore
import ParleyWire
import Testing

/// Randomized check of aggregation (PRES-2, PRES-4, PRES-7, PRES-8, PRES-9, PRES-16, PRES-17):
/// many connections per user opening, closing, going away, idling and coming back, with the
/// clock moving in random steps. After every step the tracker's presence must equal the rule
/// applied to the live connections of a simple model, and its publications must respect the
/// coalescing window and end at the current state.
@Suite struct PresenceAggregationPropertyTests {
    struct ModelConnection {
        var user: String
        var chosen: PresenceStatus = .online
        var lastActivity: Instant
    }

    static let configuration = PresenceConfiguration(
        gracePeriodMilliseconds: 3_000, idleAfterMilliseconds: 5_000, coalescingWindowMilliseconds: 500)
    static let users = ["v1", "v2", "a1", "a2", "s1"]

    func role(_ user: String) -> Role { user.hasPrefix("v") ? .visitor : user.hasPrefix("a") ? .agent : .supervisor }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func aggregateAlwaysMatchesTheRule(seed: UInt64) throws {
        var random = SeededRandom(seed: seed)
        var tracker = PresenceTracker(configuration: Self.configuration)
        var live: [UInt64: ModelConnection] = [:]
        var lastClose: [String: Instant] = [:]
        var accepting: Set<String> = []
        var reportedCanTakeNew: [String: Bool] = [:]
        var lastPublished: [String: (at: Instant, update: PresenceUpdate)] = [:]
        var nextConnection: UInt64 = 1
        var now = Instant(milliseconds: 1_000)
        let idle = Self.configuration.idleAfterMilliseconds

        func absorb(_ actions: [PresenceAction]) {
            for action in actions {
                switch action {
                case .publish(let update, .user(_, let user)):
                    if let previous = lastPublished[user] {
                        #expect(now.milliseconds(since: previous.at) >= 500, "two publications for \(user) within the window")
                        #expect(previous.update != update, "republished an unchanged state for \(user)")
                    }
                    lastPublished[user] = (now, update)
                case .agentAvailabilityChanged(let availability):
                    reportedCanTakeNew[availability.agent] = availability.canTakeNew
                case .publish, .publishTeam, .visitorLeftSite, .armTimer:
                    break
                }
            }
        }

        for step in 0..<6_000 {
            now = now.adding(milliseconds: random.next() % 900)
            absorb(tracker.tick(now: now))
            let user = Self.users[Int(random.next() % UInt64(Self.users.count))]
            let mine = live.filter { $0.value.user == user }.map(\.key).sorted()
            let pick = mine.isEmpty ? nil : mine[Int(random.next() % UInt64(mine.count))]
            switch random.next() % 8 {
            case let op where op <= 1 && mine.count < 6:
                let id = nextConnection
                nextConnection += 1
                live[id] = ModelConnection(user: user, lastActivity: now)
                absorb(tracker.connect(PresenceConnectionID(id), identity: PresenceIdentity(user: user, role: role(user), site: "acme"), now: now))
            case 2 where pick != nil:
                live[pick!] = nil
                if !live.values.contains(where: { $0.user == user }) { lastClose[user] = now }
                absorb(tracker.disconnect(PresenceConnectionID(pick!), now: now))
            case 3 where pick != nil:
                let status: PresenceStatus = random.next() % 2 == 0 ? .online : .away
                live[pick!]!.chosen = status
                live[pick!]!.lastActivity = now
                absorb(try tracker.setPresence(PresenceConnectionID(pick!), status: status, now: now).get())
            case 4 where pick != nil && role(user) != .visitor:
                let routing: RoutingStatus = random.next() % 2 == 0 ? .accepting : .notAccepting
                if routing == .accepting { accepting.insert(user) } else { accepting.remove(user) }
                absorb(try tracker.setRouting(PresenceConnectionID(pick!), routing: routing, now: now).get())
            case let op where op >= 5 && pick != nil:
                live[pick!]!.lastActivity = now
                absorb(tracker.activity(PresenceConnectionID(pick!), now: now))
            default:
                break
            }

            for user in Self.users {
                let connections = live.values.filter { $0.user == user }
                let anyOnline = connections.contains {
                    $0.chosen == .online && now.milliseconds(since: $0.lastActivity) < idle
                }
                let current = tracker.currentPresence(of: user)
                if !connections.isEmpty {
                    #expect(current?.status == (anyOnline ? .online : .away), "step \(step): \(user) with \(connections)")
                } else if let closed = lastClose[user], now.milliseconds(since: closed) >= 3_000 {
                    #expect(current == nil || current?.status == .offline, "step \(step): \(user) should be offline")
                    #expect(tracker.lastSeen(of: user) == closed || current?.lastSeen == closed)
                }
                if role(user) != .visitor, current != nil || reportedCanTakeNew[user] != nil {
                    let expected = !connections.isEmpty && anyOnline && accepting.contains(user)
                    #expect((reportedCanTakeNew[user] ?? false) == expected, "step \(step): routing of \(user)")
                }
                if current == nil || current?.status == .offline { accepting.remove(user) }
                // Coalescing never holds a change back for longer than the window.
                if let published = lastPublished[user], now.milliseconds(since: published.at) >= 500 {
                    let expected = current ?? published.update
                    #expect(published.update == expected, "step \(step): \(user) publication lags")
                }
            }
        }
    }
}
