/// A min-heap of one-shot timers, ordered by deadline, then by scheduling order.
///
/// Lives on one loop thread. Timers fire late rather than never: the loop pops every due timer
/// after each `epoll_wait`.
struct TimerQueue {
    private struct Entry {
        var deadline: UInt64
        var sequence: UInt64
        var work: () -> Void

        func fires(before other: Entry) -> Bool {
            deadline != other.deadline ? deadline < other.deadline : sequence < other.sequence
        }
    }

    private var heap: [Entry] = []
    private var lastSequence: UInt64 = 0

    /// Adds a timer firing at `deadline` (monotonic nanoseconds).
    mutating func schedule(at deadline: UInt64, _ work: @escaping () -> Void) {
        lastSequence += 1
        heap.append(Entry(deadline: deadline, sequence: lastSequence, work: work))
        siftUp(heap.count - 1)
    }

    /// The earliest deadline, if any.
    var nextDeadline: UInt64? { heap.first?.deadline }

    /// Removes and returns the earliest timer if it is due at `now`.
    mutating func popDue(now: UInt64) -> (() -> Void)? {
        guard let first = heap.first, first.deadline <= now else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        return first.work
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].fires(before: heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var first = parent
            if left < heap.count, heap[left].fires(before: heap[first]) { first = left }
            if right < heap.count, heap[right].fires(before: heap[first]) { first = right }
            if first == parent { return }
            heap.swapAt(parent, first)
            parent = first
        }
    }
}
