import ParleyCore
import ParleyWire
import Testing

/// The per-address limiter (Spec/abuse.md ABUSE-1…ABUSE-7): windows, retry times, keys, memory.
@Suite struct AddressLimiterTests {
    let t0 = Instant(milliseconds: 1_000_000)
    let a = SourceAddress("192.0.2.1")!
    let b = SourceAddress("192.0.2.2")!

    func limits(_ change: (inout AddressLimits) -> Void) -> AddressLimits {
        var limits = AddressLimits.unlimited
        change(&limits)
        return limits
    }

    @Test("ABUSE-3: a sliding 60 s window; the retry time runs to the oldest counted hello leaving it")
    func handshakeWindow() throws {
        var limiter = AddressLimiter(limits: limits { $0.handshakesPerMinute = 3 })
        for i in 0..<3 { #expect(limiter.admit(.handshake, from: a, now: t0.adding(milliseconds: UInt64(i) * 10_000)) == nil) }
        let over = limiter.admit(.handshake, from: a, now: t0.adding(milliseconds: 25_000))
        let refusal = try #require(over)
        #expect(refusal.code == .addressHandshakeRate && refusal.requirement == "ABUSE-3" && refusal.limit == 3)
        #expect(refusal.retryAfterMs == 35_000, "the first hello (t0) leaves the window at t0 + 60 s")
        #expect(limiter.admit(.handshake, from: b, now: t0.adding(milliseconds: 25_000)) == nil, "another address is not limited")
        #expect(limiter.admit(.handshake, from: a, now: t0.adding(milliseconds: 59_999)) != nil)
        #expect(limiter.admit(.handshake, from: a, now: t0.adding(milliseconds: 60_000)) == nil, "the oldest left: one more fits")
        #expect(limiter.admit(.handshake, from: a, now: t0.adding(milliseconds: 60_001))?.retryAfterMs == 9_999)
    }

    @Test("ABUSE-5: refusal checks without counting; record counts what succeeded")
    func checkThenRecord() {
        var limiter = AddressLimiter(limits: limits { $0.conversationsPerHour = 2 })
        for _ in 0..<5 { #expect(limiter.refusal(.conversation, from: a, now: t0) == nil, "checking alone counts nothing") }
        limiter.record(.conversation, from: a, now: t0)
        limiter.record(.conversation, from: a, now: t0.adding(milliseconds: 1_000))
        let refusal = limiter.refusal(.conversation, from: a, now: t0.adding(milliseconds: 2_000))
        #expect(refusal?.code == .addressConversationLimit && refusal?.retryAfterMs == 3_598_000)
        #expect(limiter.refusal(.anonymousSession, from: a, now: t0) == nil, "0 is unlimited")
    }

    @Test("ABUSE-2: open connections are counted until closed; a refused one is not counted")
    func connections() {
        var limiter = AddressLimiter(limits: limits { $0.connections = 2 })
        #expect(limiter.connect(a, now: t0) == nil && limiter.connect(a, now: t0) == nil)
        let refusal = limiter.connect(a, now: t0)
        #expect(refusal?.code == .addressConnectionLimit && refusal?.retryAfterMs == 5_000)
        #expect(limiter.openConnections(from: a) == 2)
        limiter.disconnect(a, now: t0)
        #expect(limiter.connect(a, now: t0) == nil)
        #expect(limiter.connect(b, now: t0) == nil)
    }

    @Test("ABUSE-1: IPv6 keys on the /64 (configurable), IPv4 on the /32, IPv4-mapped is IPv4")
    func keys() {
        var limiter = AddressLimiter(limits: limits { $0.connections = 1 })
        #expect(limiter.connect(SourceAddress("2001:db8:1:2::1")!, now: t0) == nil)
        #expect(limiter.connect(SourceAddress("2001:db8:1:2:ffff::9")!, now: t0) != nil, "same /64")
        #expect(limiter.connect(SourceAddress("2001:db8:1:3::1")!, now: t0) == nil, "another /64")
        #expect(limiter.connect(SourceAddress("::ffff:192.0.2.1")!, now: t0) == nil)
        #expect(limiter.connect(a, now: t0) != nil, "the IPv4-mapped form is the same IPv4 address")

        var wide = AddressLimiter(limits: limits { $0.connections = 1; $0.ipv4Prefix = 24; $0.ipv6Prefix = 48 })
        #expect(wide.connect(a, now: t0) == nil && wide.connect(b, now: t0) != nil, "both in 192.0.2.0/24")
        #expect(wide.connect(SourceAddress("2001:db8:1:2::1")!, now: t0) == nil)
        #expect(wide.connect(SourceAddress("2001:db8:1:3::1")!, now: t0) != nil, "both in 2001:db8:1::/48")
    }

    @Test("addresses parse and print; ranges contain what they should")
    func parsing() {
        #expect(SourceAddress("10.1.2.3")?.description == "10.1.2.3")
        #expect(SourceAddress("2001:db8::1")?.description == "2001:db8:0:0:0:0:0:1")
        #expect(SourceAddress("::1") == .ipv6(high: 0, low: 1))
        #expect(SourceAddress("::ffff:1.2.3.4") == SourceAddress("1.2.3.4"))
        for bad in ["", "1.2.3", "1.2.3.256", "01.2.3.4.5", "1::2::3", "12345::", "g::1", "1.2.3.4:80", "::1%eth0"] {
            #expect(SourceAddress(bad) == nil, "\(bad)")
        }
        #expect(AddressRange("10.0.0.0/8")!.contains(SourceAddress("10.200.0.1")!))
        #expect(!AddressRange("10.0.0.0/8")!.contains(SourceAddress("11.0.0.1")!))
        #expect(AddressRange("192.0.2.7")!.contains(SourceAddress("192.0.2.7")!))
        #expect(!AddressRange("192.0.2.7")!.contains(SourceAddress("192.0.2.8")!))
        #expect(AddressRange("2001:db8::/32")!.contains(SourceAddress("2001:db8:ffff::1")!))
        #expect(!AddressRange("::/0")!.contains(a), "an IPv4 address is never in an IPv6 range")
        #expect(AddressRange("10.0.0.0/33") == nil && AddressRange("x/8") == nil)
    }

    @Test("ABUSE-7: idle addresses are forgotten, by an explicit sweep and by the limiter itself as entries grow")
    func eviction() {
        var limiter = AddressLimiter(limits: limits { $0.connections = 5; $0.handshakesPerMinute = 5 })
        _ = limiter.connect(a, now: t0)
        _ = limiter.admit(.handshake, from: b, now: t0)
        #expect(limiter.trackedAddresses == 2)
        limiter.sweep(now: t0.adding(milliseconds: 59_999))
        #expect(limiter.trackedAddresses == 2, "b's hello is still in its window, a has a connection open")
        limiter.sweep(now: t0.adding(milliseconds: 60_000))
        #expect(limiter.trackedAddresses == 1, "b's window emptied")
        limiter.disconnect(a, now: t0.adding(milliseconds: 60_000))
        #expect(limiter.trackedAddresses == 0, "a closed its last connection with nothing in its windows")

        // 5000 one-off addresses an hour apart: the limiter never holds much more than the live ones.
        var most = 0
        for i in 0..<5_000 {
            let address = SourceAddress.ipv4(0x0A00_0000 + UInt32(i))
            _ = limiter.admit(.handshake, from: address, now: t0.adding(milliseconds: UInt64(i) * 61_000))
            most = max(most, limiter.trackedAddresses)
        }
        #expect(most <= 1_024, "swept as it grew: \(most)")
    }

    @Test("ABUSE-6: the limits in force are announced, unlimited ones are absent")
    func announcement() {
        var session = SessionConfiguration()
        #expect(session.limits.addressConnections == nil && session.limits.addressConversationsPerHour == nil)
        session.address = AddressLimits()
        session.address.anonymousPerHour = 0
        let limits = session.limits
        #expect(limits.addressConnections == 50 && limits.addressHandshakesPerMinute == 120)
        #expect(limits.addressAnonymousPerHour == nil && limits.addressConversationsPerHour == 30)
    }

    @Test("ABUSE-10: a block covers its visitor and, when asked, its address key, until it expires")
    func blockList() {
        var blocks = BlockList()
        _ = blocks.block("v1", reason: "spam", by: "ana", durationMs: 10_000, address: nil, now: t0)
        _ = blocks.block("v2", reason: "abuse", by: "ana", durationMs: 20_000, address: a, now: t0.adding(milliseconds: 1))
        #expect(blocks.retryAfterMs(visitor: "v1", address: b, now: t0.adding(milliseconds: 4_000)) == 6_000)
        #expect(blocks.retryAfterMs(visitor: "v3", address: a, now: t0) == 20_001, "another visitor from v2's address")
        #expect(blocks.retryAfterMs(visitor: "v3", address: b, now: t0) == nil)
        #expect(blocks.active(now: t0.adding(milliseconds: 5)).map(\.visitor) == ["v1", "v2"])
        #expect(blocks.retryAfterMs(visitor: "v1", address: b, now: t0.adding(milliseconds: 10_000)) == nil, "expired")
        #expect(blocks.active(now: t0.adding(milliseconds: 10_000)).map(\.visitor) == ["v2"])
        let lifted = blocks.unblock("v2", now: t0.adding(milliseconds: 10_000))
        let liftedAgain = blocks.unblock("v2", now: t0.adding(milliseconds: 10_000))
        #expect(lifted && !liftedAgain)
        #expect(blocks.retryAfterMs(visitor: nil, address: a, now: t0.adding(milliseconds: 10_000)) == nil)
    }
}
