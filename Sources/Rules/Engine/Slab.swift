/// A growable array of trivial values in manually managed memory, for the engine's tables.
///
/// The engine reads these on every reading; unlike `Array` in a class, a slab's elements are
/// reached through a plain pointer, with no uniqueness check, exclusivity check or reference
/// counting in the loop. Being `~Copyable`, a slab has exactly one owner, which frees it.
struct Slab<Element: BitwiseCopyable>: ~Copyable {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int = 16) {
        self.capacity = Swift.max(capacity, 1)
        self.base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    subscript(index: Int) -> Element {
        get { base[index] }
        nonmutating set { base[index] = newValue }
    }

    mutating func append(_ element: Element) {
        if count == capacity { reserve(capacity * 2) }
        (base + count).initialize(to: element)
        count += 1
    }

    /// Appends `element` until there are `newCount` elements.
    mutating func grow(to newCount: Int, filling element: Element) {
        guard newCount > count else { return }
        if newCount > capacity { reserve(Swift.max(newCount, capacity * 2)) }
        (base + count).initialize(repeating: element, count: newCount - count)
        count = newCount
    }

    /// Removes and returns the last element.
    mutating func removeLast() -> Element {
        count -= 1
        return base[count]
    }

    private mutating func reserve(_ newCapacity: Int) {
        let newBase = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        newBase.moveInitialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }
}
