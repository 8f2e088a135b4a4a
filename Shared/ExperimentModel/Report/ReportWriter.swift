import Foundation

/// Writes `report.md` and its SVG charts into a folder, from results in memory or a
/// `results.json` on disk (`--report-only`).
public enum ReportWriter {
    /// The files written, report.md first.
    @discardableResult
    public static func write(_ results: ExperimentResults, to folder: URL) throws -> [URL] {
        let document = ReportDocument(results: results)
        let charts: [(file: String, svg: String)]
        do {
            charts = try ReportCharts(results: results, model: document.model).render()
        } catch {
            throw ExperimentError(.output, "cannot draw the report's charts: \(error)")
        }
        return try write([("report.md", document.markdown)] + charts.map { ($0.file, $0.svg) }, to: folder)
    }

    /// Writes each (file name, text) into the folder, creating it; returns the files in order.
    static func write(_ files: [(String, String)], to folder: URL) throws -> [URL] {
        try files.map { name, text in
            let file = folder.appendingPathComponent(name)
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                try Data(text.utf8).write(to: file)
            } catch {
                throw ExperimentError(.output, "cannot write \(file.path): \(error)")
            }
            return file
        }
    }

    public static func load(_ file: URL) throws -> ExperimentResults {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(ExperimentResults.self, from: Data(contentsOf: file))
        } catch {
            throw ExperimentError(.output, "cannot read \(file.path) as results.json: \(error)")
        }
    }
}
