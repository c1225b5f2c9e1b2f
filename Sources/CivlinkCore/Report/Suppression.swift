/// Small-count suppression for published statistics: a count from 1 to `below - 1` is not shown
/// (0 is shown: it discloses no one), and a timing figure over fewer than `below` dossiers is not
/// shown. `below` 0 or 1 suppresses nothing.
public struct Suppression: Sendable {
    public let below: Int
    public init(below: Int) { self.below = below }

    public func count(_ value: Int) -> Int? { value > 0 && value < below ? nil : value }
    public func timing(_ distribution: Distribution) -> Bool { distribution.count > 0 && distribution.count < below }
}
