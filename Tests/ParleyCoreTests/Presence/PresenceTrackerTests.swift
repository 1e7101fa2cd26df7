import ParleyCore
import ParleyWire
import Testing

/// Timing rules and queries of the presence tracker, with an injected clock.
@Suite struct PresenceTrackerTests {
    let visitor = PresenceIdentity(user: "v1", role: .visitor, site: "acme")
    func at(_ ms: UInt64) -> Instant { Instant(milliseconds: ms) }
    func timers(_ actions: [PresenceAction]) -> [Instant] {
        actions.compactMap { if case .armTimer(let deadline) = $0 { deadline } else { nil } }
    }
    func published(_ actions: [PresenceAction], on channel: PresenceChannel) -> [PresenceUpdate] {
        actions.compactMap { if case .publish(let update, channel) = $0 { update } else { nil } }
    }

    /// PRES-8, PRES-6, PRES-7: the tracker asks for the timers it needs, and driving it only at
    /// the deadlines it announces makes the user idle and then offline at exactly the right times.
    @Test func announcedTimersDriveIdleGraceAndOffline() {
        var tracker = PresenceTracker(
            configuration: PresenceConfiguration(gracePeriodMilliseconds: 3_000, idleAfterMilliseconds: 60_000))
        var actions = tracker.connect(PresenceConnectionID(1), identity: visitor, now: at(0))
        #expect(timers(actions) == [at(60_000)])
        var channelLog: [(Instant, PresenceStatus)] = []
        var deadline = timers(actions).last
        var disconnected = false
        while let due = deadline {
            actions = tracker.tick(now: due)
            for update in published(actions, on: .visitors(site: "acme")) { channelLog.append((due, update.status)) }
            if !disconnected, due >= at(60_000) {
                disconnected = true
                actions += tracker.disconnect(PresenceConnectionID(1), now: at(61_000))
            }
            deadline = timers(actions).last ?? (tracker.nextDeadline.map { $0 > due ? $0 : nil } ?? nil)
        }
        #expect(channelLog.map(\.0) == [at(60_000), at(64_000)])
        #expect(channelLog.map(\.1) == [.away, .offline])
        #expect(tracker.lastSeen(of: "v1") == at(61_000))
        #expect(tracker.currentPresence(of: "v1") == nil)
    }

    /// PRES-17: a hundred changes inside one window produce one publication, at the window's end.
    @Test func burstOfChangesCoalescesIntoOneUpdate() throws {
        var tracker = PresenceTracker()
        let connection = PresenceConnectionID(1)
        _ = tracker.connect(connection, identity: visitor, now: at(0))
        var count = 0
        var armed: [Instant] = []
        for step in 1...100 {
            let actions = try tracker.setPresence(
                connection, status: .online, page: PresencePage(url: "/p\(step)"), now: at(UInt64(step) * 4)).get()
            count += published(actions, on: .visitors(site: "acme")).count
            armed += timers(actions)
        }
        #expect(count == 0)
        #expect(armed == [at(500)])
        #expect(published(tracker.tick(now: at(499)), on: .visitors(site: "acme")).isEmpty)
        let flushed = published(tracker.tick(now: at(500)), on: .visitors(site: "acme"))
        #expect(flushed.map(\.page?.url) == ["/p100"])
    }

    /// PRES-10: text over the limit is refused and nothing changes.
    @Test func overlongTextIsRefused() {
        var tracker = PresenceTracker(configuration: PresenceConfiguration(maxTextBytes: 4))
        let agent = PresenceIdentity(user: "a1", role: .agent, site: "acme")
        _ = tracker.connect(PresenceConnectionID(1), identity: agent, now: at(0))
        let result = tracker.setPresence(PresenceConnectionID(1), status: .away, text: "lunch", now: at(1_000))
        #expect(result == .failure(WireError(.invalidArgument, "status text over 4 bytes (PRES-10)")))
        #expect(tracker.currentPresence(of: "a1")?.status == .online)
        #expect(tracker.currentPresence(of: "a1")?.text == nil)
    }

    /// PRES-21: the team is available while at least one member is published online and
    /// accepting; one of two members going away changes nothing for the team.
    @Test func teamAvailabilityCountsMembers() throws {
        var tracker = PresenceTracker()
        var teamLog: [Bool] = []
        func run(_ actions: [PresenceAction]) {
            for case .publishTeam(let team) in actions where team.team == "sales" { teamLog.append(team.available) }
        }
        for (n, user) in ["a1", "a2"].enumerated() {
            let connection = PresenceConnectionID(UInt64(n + 1))
            run(tracker.connect(connection, identity: PresenceIdentity(user: user, role: .agent, site: "acme", teams: ["sales", "vip"]), now: at(0)))
            run(try tracker.setRouting(connection, routing: .accepting, now: at(1_000)).get())
        }
        #expect(teamLog == [true])
        #expect(tracker.teamAvailability(site: "acme", team: "vip").available)
        run(try tracker.setPresence(PresenceConnectionID(1), status: .away, now: at(2_000)).get())
        #expect(teamLog == [true])
        run(try tracker.setPresence(PresenceConnectionID(2), status: .away, now: at(3_000)).get())
        #expect(teamLog == [true, false])
        #expect(!tracker.teamAvailability(site: "acme", team: "sales").available)
        #expect(!tracker.teamAvailability(site: "globex", team: "sales").available)
    }

    /// PRES-22, PRES-24: a new subscriber first gets what was published, per site; an offline
    /// user's presence carries their last-seen time until the server forgets it.
    @Test func snapshotsAndLastSeen() throws {
        var tracker = PresenceTracker(configuration: PresenceConfiguration(gracePeriodMilliseconds: 1_000))
        _ = tracker.connect(PresenceConnectionID(1), identity: visitor, now: at(0))
        _ = tracker.connect(PresenceConnectionID(2), identity: PresenceIdentity(user: "v2", role: .visitor, site: "acme"), now: at(0))
        _ = tracker.connect(PresenceConnectionID(3), identity: PresenceIdentity(user: "v3", role: .visitor, site: "globex"), now: at(0))
        _ = tracker.connect(PresenceConnectionID(4), identity: PresenceIdentity(user: "a1", role: .agent, site: "acme"), now: at(0))
        #expect(Set(tracker.snapshot(of: .visitors(site: "acme")).map(\.user)) == ["v1", "v2"])
        #expect(tracker.snapshot(of: .agents(site: "acme")).map(\.user) == ["a1"])
        #expect(tracker.snapshot(of: .agentForVisitor(site: "acme", agent: "a1")) == [
            PresenceUpdate(user: "a1", role: .agent, status: .online)
        ])
        _ = tracker.disconnect(PresenceConnectionID(2), now: at(5_000))
        #expect(Set(tracker.snapshot(of: .visitors(site: "acme")).map(\.user)) == ["v1", "v2"])
        _ = tracker.tick(now: at(6_000))
        #expect(tracker.snapshot(of: .visitors(site: "acme")).map(\.user) == ["v1"])
        #expect(tracker.snapshot(of: .user(site: "acme", user: "v2")) == [
            PresenceUpdate(user: "v2", role: .visitor, status: .offline, lastSeen: at(5_000))
        ])
        #expect(tracker.snapshot(of: .user(site: "globex", user: "v2")).isEmpty)
        #expect(tracker.snapshot(of: .user(site: "acme", user: "v3")).isEmpty)
        tracker.forgetLastSeen(of: "v2")
        #expect(tracker.snapshot(of: .user(site: "acme", user: "v2")).isEmpty)
    }

    /// PRES-12: the page follows the connection that reported last; closing it falls back to
    /// the page of the remaining connection.
    @Test func pageFollowsTheMostRecentConnection() throws {
        var tracker = PresenceTracker()
        _ = tracker.connect(PresenceConnectionID(1), identity: visitor, now: at(0))
        _ = tracker.connect(PresenceConnectionID(2), identity: visitor, now: at(0))
        _ = try tracker.setPresence(PresenceConnectionID(1), status: .online, page: PresencePage(url: "/home"), now: at(10)).get()
        _ = try tracker.setPresence(PresenceConnectionID(2), status: .online, page: PresencePage(url: "/cart"), now: at(20)).get()
        #expect(tracker.currentPresence(of: "v1")?.page?.url == "/cart")
        _ = tracker.disconnect(PresenceConnectionID(2), now: at(30))
        #expect(tracker.currentPresence(of: "v1")?.page?.url == "/home")
        _ = tracker.disconnect(PresenceConnectionID(1), now: at(40))
        #expect(tracker.currentPresence(of: "v1")?.page?.url == "/cart")
    }
}
