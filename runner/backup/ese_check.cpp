#include "backup/ese_check.h"

#include <iterator>
#include <map>
#include <optional>
#include <type_traits>

#include "backup/ese_header.h"
#include "base/text.h"

namespace adrestore::backup {
namespace {

std::string base_name(const std::string& path) { return path.substr(path.rfind('/') + 1); }

// Collects problems up to the cap, then counts the rest.
class Problems {
 public:
  void add(ProblemKind kind, const std::string& file, std::string message) {
    if (m_items.size() >= k_max_ese_problems) {
      ++m_dropped;
      return;
    }
    VerifyProblem p;
    p.kind = kind;
    p.file = file;
    p.message = std::move(message);
    m_items.push_back(std::move(p));
  }
  std::vector<VerifyProblem> take() {
    if (m_dropped > 0) {
      VerifyProblem p;
      p.kind = m_items.back().kind;
      p.message = "... and " + std::to_string(m_dropped) + " more ESE problems";
      m_items.push_back(std::move(p));
    }
    return std::move(m_items);
  }

 private:
  std::vector<VerifyProblem> m_items;
  std::size_t m_dropped = 0;
};

// The first k_ese_header_bytes of a set file (fewer when the file is shorter).
Result<std::vector<std::uint8_t>> read_head(host::Disks& disks, const WinPath& source, const std::string& rel) {
  auto file = disks.open(set_file_path(source, rel), platform::File::Mode::read);
  if (!file) return file.status();
  std::vector<std::uint8_t> buf(k_ese_header_bytes);
  std::size_t got = 0;
  while (got < buf.size()) {
    auto n = (*file)->pread(buf.data() + got, buf.size() - got, got);
    if (!n) return n.status();
    if (*n == 0) break;
    got += *n;
  }
  buf.resize(got);
  return buf;
}

std::string gen_text(std::uint32_t g) { return std::to_string(g); }

std::string range_text(std::uint32_t lo, std::uint32_t hi) {
  return lo == hi ? "generation " + gen_text(lo) : "generations " + gen_text(lo) + ".." + gen_text(hi);
}

// The first run of generations in lo..hi that `have` lacks, if any.
std::optional<std::pair<std::uint32_t, std::uint32_t>> first_missing(const std::map<std::uint32_t, std::string>& have,
                                                                     std::uint32_t lo, std::uint32_t hi) {
  std::uint64_t next = lo;
  for (auto it = have.lower_bound(lo); it != have.end() && it->first <= hi; ++it) {
    if (it->first > next) return std::make_pair(static_cast<std::uint32_t>(next), it->first - 1);
    next = static_cast<std::uint64_t>(it->first) + 1;
  }
  if (next <= hi) return std::make_pair(static_cast<std::uint32_t>(next), hi);
  return std::nullopt;
}

struct Database {
  std::string path;
  EseDatabaseHeader header;
};

void check_sequence(const Manifest& m, const std::map<std::uint32_t, std::string>& gens, Problems& out) {
  if (gens.empty()) {
    out.add(ProblemKind::ese_log_sequence, {},
            "the set holds no transaction log (edbXXXXX.log); a restore needs the logs " + gen_text(m.gen_low) + ".." +
                gen_text(m.gen_high) + " that the manifest records");
    return;
  }
  const std::uint32_t lo = gens.begin()->first;
  const std::uint32_t hi = gens.rbegin()->first;
  if (lo != m.gen_low || hi != m.gen_high) {
    out.add(ProblemKind::ese_log_sequence, {},
            "the set's logs run from generation " + gen_text(lo) + " to " + gen_text(hi) +
                ", but the manifest records genLow " + gen_text(m.gen_low) + " and genHigh " + gen_text(m.gen_high) +
                "; the restore would ask AD DS for logs the set does not hold");
  }
  std::uint32_t prev = lo;
  for (auto it = std::next(gens.begin()); it != gens.end(); ++it) {
    if (it->first > prev + 1) {
      out.add(ProblemKind::ese_log_sequence, {},
              "the logs have a gap: " + range_text(prev + 1, it->first - 1) + " (" +
                  ese_log_name(prev + 1) + ") is missing between " + base_name(gens.at(prev)) + " and " +
                  base_name(it->second) + "; recovery stops at the first missing log");
    }
    prev = it->first;
  }
}

}  // namespace

std::vector<VerifyProblem> check_ese_set(host::Disks& disks, const WinPath& source, const Manifest& m,
                                         const std::set<std::string>& skip) {
  Problems out;
  auto readable = [&](const ManifestFile& f) { return skip.count(set_path_key(f.path)) == 0; };
  // The header of a set file as `parse` reads it, or nothing (and the problem recorded).
  auto parsed = [&](const ManifestFile& f, auto parse) {
    std::optional<std::decay_t<decltype(*parse(nullptr, 0))>> header;
    auto head = read_head(disks, source, f.path);
    if (!head) {
      out.add(ProblemKind::io, f.path, f.path + ": cannot read the ESE header: " + head.status().message());
      return header;
    }
    auto h = parse(head->data(), head->size());
    if (!h) {
      out.add(ProblemKind::ese_header, f.path, f.path + ": " + h.status().message());
      return header;
    }
    header = std::move(*h);
    return header;
  };

  std::optional<Database> db;
  for (const ManifestFile& f : m.files) {
    if (f.kind != FileKind::database || !readable(f)) continue;
    auto h = parsed(f, parse_ese_database_header);
    if (h && !db) db = Database{f.path, *h};
  }

  // Generations by name; the header checks below compare each log with its name.
  std::map<std::uint32_t, std::string> gens;
  for (const ManifestFile& f : m.files) {
    std::uint32_t g = 0;
    if (f.kind != FileKind::log || !parse_ese_log_name(base_name(f.path), g)) continue;
    auto [it, fresh] = gens.emplace(g, f.path);
    if (!fresh) {
      out.add(ProblemKind::ese_log_sequence, f.path,
              f.path + " and " + it->second + " both have log generation " + gen_text(g));
    }
  }
  check_sequence(m, gens, out);

  for (const ManifestFile& f : m.files) {
    if (f.kind != FileKind::log || !readable(f)) continue;
    auto h = parsed(f, parse_ese_log_header);
    if (!h) continue;
    std::uint32_t named = 0;
    if (parse_ese_log_name(base_name(f.path), named) && named != h->generation) {
      out.add(ProblemKind::ese_log_sequence, f.path,
              f.path + ": its header says log generation " + gen_text(h->generation) + ", but its name says " +
                  gen_text(named) + "; the file was renamed or swapped");
    }
    if (!db) continue;
    if (h->log_signature != db->header.log_signature) {
      out.add(ProblemKind::ese_foreign_log, f.path,
              f.path + " belongs to another database: its log signature " + h->log_signature.text() + " differs from " +
                  db->path + "'s " + db->header.log_signature.text() + "; AD DS cannot replay it into this database");
    } else if (h->page_size != db->header.page_size) {
      out.add(ProblemKind::ese_foreign_log, f.path,
              f.path + " was written for a database with " + std::to_string(h->page_size) + "-byte pages; " + db->path +
                  " has " + std::to_string(db->header.page_size) + "-byte pages");
    }
  }

  if (db && db->header.state == EseDbState::dirty_shutdown) {
    const std::uint32_t lo = db->header.required_low;
    const std::uint32_t hi = db->header.required_high;
    if (auto miss = first_missing(gens, lo, hi)) {
      out.add(ProblemKind::ese_logs_missing, db->path,
              db->path + " was not shut down cleanly (dirty shutdown) and needs log " + range_text(lo, hi) +
                  " to recover, but the set lacks " + range_text(miss->first, miss->second) + " (" +
                  ese_log_name(miss->first) + "); AD DS would not start on the restored database");
    }
  }

  for (const ManifestFile& f : m.files) {
    if (f.kind != FileKind::checkpoint || !readable(f)) continue;
    auto h = parsed(f, parse_ese_checkpoint_header);
    if (!h) continue;
    if (db && h->log_signature != db->header.log_signature) {
      out.add(ProblemKind::ese_checkpoint, f.path,
              f.path + " belongs to another database: its log signature " + h->log_signature.text() +
                  " differs from " + db->path + "'s " + db->header.log_signature.text());
    } else if (!gens.empty() && gens.count(h->generation) == 0) {
      out.add(ProblemKind::ese_checkpoint, f.path,
              f.path + " points at log generation " + gen_text(h->generation) + ", which the set does not hold (it holds " +
                  gen_text(gens.begin()->first) + ".." + gen_text(gens.rbegin()->first) + ")");
    }
  }
  return out.take();
}

}  // namespace adrestore::backup
