// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "LeafSync",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "image-api", targets: ["ImageAPI"]),
        .executable(name: "seeder", targets: ["Seeder"]),
        .executable(name: "consumer", targets: ["Consumer"]),
        .executable(name: "verify", targets: ["Verify"]),
        .executable(name: "sync-bench", targets: ["SyncBench"]),
        .executable(name: "db-synchronizer", targets: ["DBSynchronizer"]),
        .executable(name: "jobs", targets: ["Jobs"]),
        .executable(name: "bandwidth-experiment", targets: ["BandwidthExperiment"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // C libraries, reached only through their Swift wrappers.
        .systemLibrary(name: "CLibPQ", path: "Shared/CLibPQ", pkgConfig: "libpq",
                       providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CMongoC", path: "Shared/CMongoC", pkgConfig: "libmongoc-1.0",
                       providers: [.apt(["libmongoc-dev", "libbson-dev"])]),
        // <sys/epoll.h> and <sys/eventfd.h>, which Swift's Glibc module leaves out; nothing to link.
        .systemLibrary(name: "CEpoll", path: "Shared/CEpoll"),
        // <malloc.h>'s mallopt, which Swift's Glibc module leaves out; nothing to link.
        .systemLibrary(name: "CMalloc", path: "Shared/CMalloc"),
        .systemLibrary(name: "CRdKafka", path: "Shared/CRdKafka", pkgConfig: "rdkafka",
                       providers: [.apt(["librdkafka-dev"])]),

        // Wrappers: one per C library; they never import each other or the domain.
        // Postgres uses the event loop to wait for a statement's answer without blocking a thread.
        .target(name: "Postgres", dependencies: ["CLibPQ", "Sockets", "Primitives", .product(name: "Logging", package: "swift-log")],
                path: "Shared/Postgres", exclude: ["README.md"]),
        .target(name: "Mongo", dependencies: ["CMongoC", .product(name: "Logging", package: "swift-log")],
                path: "Shared/Mongo", exclude: ["README.md"]),
        .target(name: "Kafka", dependencies: ["CRdKafka", "Primitives", .product(name: "Logging", package: "swift-log")], path: "Shared/Kafka", exclude: ["README.md"]),

        // Transport → HTTP → routing.
        .target(name: "Sockets", dependencies: ["CEpoll"], path: "Shared/Sockets", exclude: ["README.md"]),
        .target(name: "HTTP", dependencies: ["Sockets", .product(name: "Logging", package: "swift-log")],
                path: "Shared/HTTP", exclude: ["README.md"]),
        .target(name: "Routing", dependencies: [
            "HTTP",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ], path: "Shared/Routing", exclude: ["README.md"]),

        // Test and experiment tooling: a byte-counting TCP relay that can simulate an outage.
        .target(name: "TCPRelay", dependencies: ["Sockets", .product(name: "Logging", package: "swift-log")],
                path: "Shared/TCPRelay", exclude: ["README.md"]),

        // Domain.
        .target(name: "JSON", path: "Shared/JSON", exclude: ["README.md"]),
        // Locked, FNV-1a and the Prometheus text reader, once for every module; no dependencies,
        // so the C wrappers use it too.
        .target(name: "Primitives", path: "Shared/Primitives", exclude: ["README.md"]),
        .target(name: "ImageModel", dependencies: ["JSON"], path: "Shared/ImageModel", exclude: ["README.md"]),
        .target(name: "ImageStores", dependencies: [
            "ImageModel", "Postgres", "Mongo", "Sockets",
            .product(name: "Logging", package: "swift-log"),
        ], path: "Shared/ImageStores", exclude: ["README.md"]),
        .target(name: "ImageRoutes", dependencies: [
            "ImageModel", "JSON", "Routing", "HTTP",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ], path: "Shared/ImageRoutes", exclude: ["README.md"]),
        .target(name: "StreamSync", dependencies: [
            "ImageModel", "Kafka", "ServiceKit",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], path: "Shared/StreamSync", exclude: ["README.md"]),
        // The Kafka option group of the stream path's executables, apart from the sync library.
        .target(name: "StreamOptions", dependencies: [
            "StreamSync", "ImageModel", "Kafka", "ServiceKit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Shared/StreamOptions", exclude: ["README.md"]),
        .target(name: "SeedData", dependencies: ["ImageModel"], path: "Shared/SeedData", exclude: ["README.md"],
                resources: [.copy("Resources/jpegs")]),
        .target(name: "BatchSync", dependencies: [
            "ImageModel", .product(name: "Logging", package: "swift-log"), .product(name: "Metrics", package: "swift-metrics"),
        ], path: "Shared/BatchSync", exclude: ["README.md"]),
        .target(name: "StoreVerification", dependencies: [
            "ImageModel", "JSON", "Primitives", .product(name: "Logging", package: "swift-log"),
        ], path: "Shared/StoreVerification", exclude: ["README.md"]),
        .target(name: "ServiceKit", dependencies: [
            "HTTP", "Routing", "JSON", "CMalloc",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Shared/ServiceKit", exclude: ["README.md"]),

        .target(name: "HTTPClient", dependencies: ["HTTP", "Sockets"], path: "Shared/HTTPClient", exclude: ["README.md"]),
        // SVG charts for the bandwidth experiment's report; standard library and Foundation only.
        .target(name: "Charts", dependencies: ["Primitives"], path: "Shared/Charts", exclude: ["README.md"]),
        // The bandwidth experiment's work: its results, model and reports (pure), and the runner that
        // starts the services behind counting relays and measures them.
        .target(name: "ExperimentModel", dependencies: ["Charts", "Primitives"], path: "Shared/ExperimentModel", exclude: ["README.md"]),
        .target(name: "ExperimentRunner", dependencies: [
            "ExperimentModel", "Primitives", "TCPRelay", "HTTPClient", "HTTP", "ImageStores", "StoreVerification", "Postgres", "Kafka", "ServiceKit",
            .product(name: "Logging", package: "swift-log"),
        ], path: "Shared/ExperimentRunner", exclude: ["README.md"]),
        .target(name: "LoadGeneration", dependencies: [
            "StreamSync", "Kafka", "ImageModel", "SeedData", "HTTPClient", "HTTP",
        ], path: "Shared/LoadGeneration"),
        .target(name: "LIMSJobs", dependencies: [
            "ServiceKit", "JobControl", "HTTPClient", "ImageModel", "JSON", "SeedData", "Routing", "HTTP", "Primitives",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ], path: "Shared/LIMSJobs", exclude: ["README.md"]),
        .target(name: "JobControl", dependencies: [
            "HTTP", "Routing", "JSON",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], path: "Shared/JobControl", exclude: ["README.md"]),

        // Executables.
        .executableTarget(name: "ImageAPI", dependencies: [
            "ServiceKit", "ImageRoutes", "ImageStores", "ImageModel", "Routing", "HTTP", "StreamSync", "StreamOptions", "Kafka",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], path: "Services/ImageAPI", exclude: ["config"]),
        .executableTarget(name: "Consumer", dependencies: [
            "ServiceKit", "ImageRoutes", "ImageStores", "ImageModel", "Routing", "HTTP", "StreamSync", "StreamOptions", "Kafka",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], path: "Services/Consumer", exclude: ["config"]),
        .executableTarget(name: "Seeder", dependencies: [
            "ServiceKit", "ImageStores", "ImageModel", "SeedData",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ], path: "Services/Seeder"),
        .executableTarget(name: "Verify", dependencies: [
            "ServiceKit", "StoreVerification", "ImageStores", "ImageModel",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ], path: "Services/Verify"),
        .executableTarget(name: "SyncBench", dependencies: [
            "LoadGeneration", "ServiceKit", "StreamSync", "StreamOptions", "Kafka", "ImageModel", "ImageStores", "SeedData", "Primitives",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ], path: "Services/SyncBench"),

        .executableTarget(name: "Jobs", dependencies: [
            "LIMSJobs", "ServiceKit", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Services/Jobs", exclude: ["config"]),

        .executableTarget(name: "DBSynchronizer", dependencies: [
            "ServiceKit", "BatchSync", "JobControl", "ImageStores", "ImageModel", "Routing", "HTTP",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ], path: "Services/DBSynchronizer", exclude: ["config"]),

        // The bandwidth experiment: runs the services above and measures each sync path's bytes.
        .executableTarget(name: "BandwidthExperiment", dependencies: [
            "ExperimentRunner", "ExperimentModel", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Services/BandwidthExperiment"),

        // Tests. TestSupport gives every integration test the real servers, each test its own namespace.
        .target(name: "TestSupport", dependencies: [
            "ImageStores", "ImageModel", "Postgres", "Mongo", .product(name: "Logging", package: "swift-log"),
        ], path: "Tests/TestSupport"),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "Sockets"]),
        .testTarget(name: "RoutingTests", dependencies: [
            "Routing", "HTTP", .product(name: "InMemoryLogging", package: "swift-log"),
            .product(name: "MetricsTestKit", package: "swift-metrics"),
        ]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "Sockets", "TestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "MongoTests", dependencies: ["Mongo", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "KafkaTests", dependencies: [
            "Kafka", "CRdKafka", "TestSupport", .product(name: "Logging", package: "swift-log"),
            .product(name: "InMemoryLogging", package: "swift-log"),
        ]),
        .testTarget(name: "TCPRelayTests", dependencies: [
            "TCPRelay", "Postgres", "TestSupport", .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "ImageModelTests", dependencies: ["ImageModel", "JSON"]),
        .testTarget(name: "ImageStoresTests", dependencies: [
            "ImageStores", "ImageModel", "SeedData", "Postgres", "Mongo", "TestSupport",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "ImageRoutesTests", dependencies: [
            "ImageRoutes", "ImageStores", "ImageModel", "Routing", "HTTP", "JSON", "TestSupport",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "StoreVerificationTests", dependencies: [
            "StoreVerification", "ImageStores", "ImageModel", "JSON", "Primitives", "TestSupport",
            .product(name: "Logging", package: "swift-log"), .product(name: "InMemoryLogging", package: "swift-log"),
        ]),
        .testTarget(name: "SyncEndToEndTests", dependencies: [
            "ImageModel", "ImageStores", "StoreVerification", "SeedData", "Kafka", "StreamSync", "TCPRelay", "TestSupport", "Postgres", "Mongo", "Primitives",
            "HTTPClient", "HTTP", .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "BatchSyncTests", dependencies: [
            "BatchSync", "ImageModel", "ImageStores", "Postgres", "StoreVerification", "SeedData", "TCPRelay", "TestSupport",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "HTTPClientTests", dependencies: [
            "HTTPClient", "HTTP", "Routing", .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "JobsTests", dependencies: [
            "Jobs", "LIMSJobs", "ServiceKit", "ImageModel", "ImageRoutes", "JobControl", "HTTPClient", "HTTP", "Routing", "JSON",
            "Primitives", "TestSupport",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "JobControlTests", dependencies: [
            "JobControl", "ServiceKit", "Routing", "HTTP", "JSON", "TestSupport",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "MetricsTestKit", package: "swift-metrics"),
        ]),
        .testTarget(name: "ChartsTests", dependencies: ["Charts"]),
        .testTarget(name: "PrimitivesTests", dependencies: ["Primitives"]),
        .testTarget(name: "ExperimentModelTests", dependencies: ["ExperimentModel", "Charts", "Primitives"]),
        .testTarget(name: "ExperimentRunnerTests", dependencies: ["ExperimentRunner"]),
        // The executable's flags in-process, and the executable itself as a process.
        .testTarget(name: "BandwidthExperimentTests", dependencies: ["TestSupport", "BandwidthExperiment", "ExperimentRunner", "Kafka"]),
        .testTarget(name: "ServiceKitTests", dependencies: [
            "ServiceKit", "HTTP", "Routing", .product(name: "Logging", package: "swift-log"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "LoadGenerationTests", dependencies: [
            "LoadGeneration", "HTTP", "Routing", "JSON", "ImageModel", "Kafka", "SeedData", "StreamSync", "TestSupport",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "StreamSyncTests", dependencies: [
            "StreamSync", "ImageModel", "ImageStores", "Kafka", "TestSupport", .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
    ]
)
