import JSON

extension VerificationReport {
    /// The report for programs, compact JSON in a fixed member order:
    /// `{"equal": false, "plants": [{"plant": "potato", "equal": false, "producer_count": 10,
    /// "consumer_count": 10, "missing": 1, "extra": 0, "different": 1, "settled": 0,
    /// "repaired": 0, "not_shown": 0, "differences": [{"kind": "different", "id": 7,
    /// "producer_digest": "0c1f…", "consumer_digest": "7a6b…", "fields": ["data"]}]}]}`, each
    /// difference compared live also with `producer_version` and `consumer_version`. Digests are
    /// 16 hex digits (a JSON number cannot hold every UInt64 exactly in most readers), absent
    /// ones null.
    public var json: [UInt8] {
        var writer = JSONWriter()
        writer.object { w in
            w.key("equal"); w.bool(isEqual)
            w.key("plants")
            w.array { w in plants.forEach { $0.write(to: &w) } }
        }
        return writer.bytes
    }
}

extension PlantReport {
    fileprivate func write(to w: inout JSONWriter) {
        w.object { w in
            w.key("plant"); w.string(plant.rawValue)
            w.key("equal"); w.bool(isEqual)
            w.key("producer_count"); w.int(producerCount)
            w.key("consumer_count"); w.int(consumerCount)
            w.key("missing"); w.int(missing)
            w.key("extra"); w.int(extra)
            w.key("different"); w.int(different)
            w.key("settled"); w.int(settled)
            w.key("repaired"); w.int(repaired)
            w.key("not_shown"); w.int(undetailedCount)
            w.key("differences")
            w.array { w in details.forEach { $0.write(to: &w) } }
        }
    }
}

extension RecordDifference {
    fileprivate func write(to w: inout JSONWriter) {
        w.object { w in
            w.key("kind"); w.string(kind.rawValue)
            w.key("id"); w.int(id)
            w.key("producer_digest"); w.optionalString(producerDigest.map(Self.hex))
            w.key("consumer_digest"); w.optionalString(consumerDigest.map(Self.hex))
            w.key("fields")
            w.array { w in fields.forEach { w.string($0.rawValue) } }
            if let producerVersion { w.key("producer_version"); w.int(producerVersion) }
            if let consumerVersion { w.key("consumer_version"); w.int(consumerVersion) }
        }
    }
}
