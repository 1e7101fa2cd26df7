import BenchSupport
import ParleyCore
import ParleyWire

/// `presence`: presence inputs per second with 100,000 users and 10,000 subscribers, through
/// the tracker and a simulated fan-out (one counter bump per delivery), against a naive tracker
/// that recomputes each user's aggregate from scratch and broadcasts every change at once
/// (no coalescing, no grace period); and the memory held per tracked user.
struct PresenceBench: BenchSuite {
    let name = "presence"

    static let sites = 10
    static let visitorsPerSite = 9_000
    static let staffPerSite = 1_000  // every staff member subscribes to visitors@site and agents@site

    /// One scripted input.
    enum Input {
        case page(user: Int, url: String)
        case activity(user: Int)
        case away(user: Int, Bool)
        case reload(user: Int)  // disconnect now, reconnect 1.5 s later
        case reconnect(user: Int)
    }

    func run() {
        let script = Self.script(bursts: 60_000)
        var report = Report("presence: \(Self.sites * (Self.visitorsPerSite + Self.staffPerSite)) users, \(Self.sites * Self.staffPerSite) subscribers, \(script.count) inputs")
        var naive = NaiveDriver()
        var tracked = TrackerDriver()
        let baseline = measure("naive: recompute + broadcast every change", operations: script.count, repetitions: 3) {
            naive.play(script)
        }
        let real = measure("PresenceTracker (grace, coalescing 500 ms)", operations: script.count, repetitions: 3) {
            tracked.play(script)
        }
        report.add(baseline)
        report.add(real, against: baseline)
        report.print()
        print("deliveries per input: naive \(fmt(Double(naive.deliveries) / Double(naive.inputs), 1)), tracker \(fmt(Double(tracked.deliveries) / Double(tracked.inputs), 1))")

        let trackerBytes = Self.bytesPerUser { users in
            var tracker = PresenceTracker()
            tracker.reserveCapacity(users: users)
            var actionBytes: UInt64 = 0
            let before = allocatedBytesSoFar()
            for user in 0..<users { actionBytes += Self.arrayBytes(tracker.connect(PresenceConnectionID(UInt64(user)), identity: Self.identity(user), now: Instant(milliseconds: 0))) }
            for user in 0..<users where Self.identity(user).role == .visitor {
                actionBytes += Self.arrayBytes((try? tracker.setPresence(PresenceConnectionID(UInt64(user)), status: .online, page: PresencePage(url: "/p/\(user % 1000)"), now: Instant(milliseconds: 1_000)).get()) ?? [])
            }
            let bytes = allocatedBytesSoFar() - before - actionBytes
            withExtendedLifetime(tracker) {}
            return bytes
        }
        let naiveBytes = Self.bytesPerUser { users in
            var naive = NaiveDriver(capacity: users)
            let before = allocatedBytesSoFar()
            naive.connectAll(users)
            let bytes = allocatedBytesSoFar() - before
            withExtendedLifetime(naive) {}
            return bytes
        }
        print("memory per tracked user (allocated bytes, reserved containers): tracker \(fmt(trackerBytes, 0)) B, naive \(fmt(naiveBytes, 0)) B, ratio \(fmt(trackerBytes / naiveBytes, 2))×")
    }

    static func identity(_ user: Int) -> PresenceIdentity {
        let perSite = visitorsPerSite + staffPerSite
        let site = "site\(user / perSite)"
        return user % perSite < visitorsPerSite
            ? PresenceIdentity(user: "u\(user)", role: .visitor, site: site)
            : PresenceIdentity(user: "u\(user)", role: .agent, site: site, teams: ["sales"])
    }

    static var userCount: Int { sites * (visitorsPerSite + staffPerSite) }

    static func bytesPerUser(_ build: (Int) -> UInt64) -> Double { Double(build(userCount)) / Double(userCount) }

    /// The malloc request of a returned action array (header + elements), to leave it out.
    static func arrayBytes(_ actions: [PresenceAction]) -> UInt64 {
        actions.capacity == 0 ? 0 : UInt64(32 + actions.capacity * MemoryLayout<PresenceAction>.stride)
    }

    /// Bursts of a user's activity: a visitor browsing 1–5 pages 150 ms apart, an idle ping, an
    /// away/online flip, or a reload; bursts start 2 ms apart so they interleave. Seeded.
    static func script(bursts: Int) -> [(at: UInt64, input: Input)] {
        var random = SplitMix64(seed: 42)
        var events: [(at: UInt64, input: Input)] = []
        for burst in 0..<bursts {
            let start = UInt64(burst) * 2
            let user = Int(random.next() % UInt64(userCount))
            switch random.next() % 10 {
            case 0...5:
                for page in 0..<Int(1 + random.next() % 5) {
                    events.append((start + UInt64(page) * 150, .page(user: user, url: "/p/\(random.next() % 1000)")))
                }
            case 6, 7: events.append((start, .activity(user: user)))
            case 8:
                events.append((start, .away(user: user, true)))
                events.append((start + 100, .away(user: user, false)))
            default:
                events.append((start, .reload(user: user)))
                events.append((start + 1_500, .reconnect(user: user)))
            }
        }
        events.sort { $0.at < $1.at }
        return events
    }
}

/// One publication, built once and shared by every subscriber's queue ("encode once").
private final class SharedUpdate {
    let update: PresenceUpdate
    init(_ update: PresenceUpdate) { self.update = update }
}

/// Fan-out stand-in: the subscribers of each site channel, each with a bounded outbound ring
/// of 64 entries (the oldest ephemeral entry is overwritten); a delivery stores one reference.
private struct Subscribers {
    static let ring = 64
    var byChannel: [PresenceChannel: [Int]] = [:]
    var slots: [SharedUpdate?]
    var heads: [Int]

    init() {
        let count = PresenceBench.sites * PresenceBench.staffPerSite
        slots = Array(repeating: nil, count: count * Self.ring)
        heads = Array(repeating: 0, count: count)
        for site in 0..<PresenceBench.sites {
            let members = Array(site * PresenceBench.staffPerSite..<(site + 1) * PresenceBench.staffPerSite)
            byChannel[.visitors(site: "site\(site)")] = members
            byChannel[.agents(site: "site\(site)")] = members
        }
    }

    /// Delivers `update` to every subscriber of `channel`; returns how many.
    mutating func deliver(_ update: PresenceUpdate, to channel: PresenceChannel) -> Int {
        guard let members = byChannel[channel] else { return 0 }
        let shared = SharedUpdate(update)
        for member in members {
            slots[member * Self.ring + (heads[member] & (Self.ring - 1))] = shared
            heads[member] &+= 1
        }
        return members.count
    }
}

/// Drives a `PresenceTracker` through the script, ticking when its armed timer is due.
private struct TrackerDriver {
    var tracker = PresenceTracker()
    var subscribers = Subscribers()
    var connectionOf: [Int]
    var nextConnection: UInt64
    var timer: Instant?
    var clock: UInt64 = 0
    var deliveries = 0
    var inputs = 0

    init() {
        tracker.reserveCapacity(users: PresenceBench.userCount)
        connectionOf = Array(0..<PresenceBench.userCount)
        nextConnection = UInt64(PresenceBench.userCount)
        for user in 0..<PresenceBench.userCount {
            _ = tracker.connect(PresenceConnectionID(UInt64(user)), identity: PresenceBench.identity(user), now: Instant(milliseconds: 0))
        }
        _ = tracker.tick(now: Instant(milliseconds: 1_000))
        clock = 10_000
    }

    mutating func apply(_ actions: [PresenceAction]) {
        for action in actions {
            switch action {
            case .publish(let update, let channel): deliveries += subscribers.deliver(update, to: channel)
            case .armTimer(let deadline): timer = deadline
            case .publishTeam, .agentAvailabilityChanged, .visitorLeftSite: break
            }
        }
    }

    mutating func play(_ script: [(at: UInt64, input: PresenceBench.Input)]) {
        let base = clock
        for (at, input) in script {
            let now = Instant(milliseconds: base + at)
            if let due = timer, due <= now {
                timer = nil
                apply(tracker.tick(now: now))
            }
            let connection = PresenceConnectionID(UInt64(connectionOf[input.user]))
            switch input {
            case .page(_, let url):
                apply((try? tracker.setPresence(connection, status: .online, page: PresencePage(url: url), now: now).get()) ?? [])
            case .activity: apply(tracker.activity(connection, now: now))
            case .away(_, let away):
                apply((try? tracker.setPresence(connection, status: away ? .away : .online, now: now).get()) ?? [])
            case .reload: apply(tracker.disconnect(connection, now: now))
            case .reconnect(let user):
                connectionOf[user] = Int(nextConnection)
                apply(tracker.connect(PresenceConnectionID(nextConnection), identity: PresenceBench.identity(user), now: now))
                nextConnection += 1
            }
            inputs += 1
        }
        clock = base + (script.last?.at ?? 0) + 60_000
        apply(tracker.tick(now: Instant(milliseconds: clock)))
    }
}

/// The naive baseline: each user's connections in an array, the aggregate recomputed from
/// scratch on every input, and every change broadcast at once to every subscriber.
private struct NaiveDriver {
    struct Connection { var id: Int; var status: PresenceStatus; var page: PresencePage?; var lastActivity: UInt64 }
    var connections: [[Connection]] = []
    var subscribers = Subscribers()
    var deliveries = 0
    var inputs = 0
    var clock: UInt64 = 10_000

    init(capacity: Int = 0) {
        connections.reserveCapacity(capacity)
        if capacity == 0 { connectAll(PresenceBench.userCount) }
    }

    mutating func connectAll(_ users: Int) {
        for user in 0..<users {
            let page = PresenceBench.identity(user).role == .visitor ? PresencePage(url: "/p/\(user % 1000)") : nil
            connections.append([Connection(id: user, status: .online, page: page, lastActivity: 0)])
        }
    }

    /// Recomputes the user's aggregate from all their connections and broadcasts it.
    mutating func broadcast(_ user: Int) {
        let identity = PresenceBench.identity(user)
        var status = PresenceStatus.offline
        var page: PresencePage?
        for connection in connections[user] {
            if connection.status == .online { status = .online } else if status == .offline { status = .away }
            page = connection.page ?? page
        }
        let update = PresenceUpdate(user: identity.user, role: identity.role, status: status, page: page)
        let channel: PresenceChannel = identity.role == .visitor ? .visitors(site: identity.site) : .agents(site: identity.site)
        deliveries += subscribers.deliver(update, to: channel)
    }

    mutating func play(_ script: [(at: UInt64, input: PresenceBench.Input)]) {
        for (at, input) in script {
            let now = clock + at
            switch input {
            case .page(let user, let url):
                connections[user][0].page = PresencePage(url: url)
                connections[user][0].lastActivity = now
                broadcast(user)
            case .activity(let user): connections[user][0].lastActivity = now
            case .away(let user, let away):
                connections[user][0].status = away ? .away : .online
                broadcast(user)
            case .reload(let user):
                connections[user][0].status = .offline
                broadcast(user)
            case .reconnect(let user):
                connections[user][0].status = .online
                broadcast(user)
            }
            inputs += 1
        }
        clock += (script.last?.at ?? 0) + 60_000
    }
}

extension PresenceBench.Input {
    var user: Int {
        switch self {
        case .page(let user, _), .activity(let user), .away(let user, _), .reload(let user), .reconnect(let user): user
        }
    }
}
