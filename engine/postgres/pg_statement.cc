#include "engine/postgres/pg_statement.h"

#include <fmt/format.h>
#include <poll.h>

#include <chrono>
#include <cstdlib>
#include <memory>

namespace listbench {
namespace {

// The first line of a libpq message, without its trailing newline.
std::string OneLine(const char* msg) {
  std::string s = msg == nullptr ? "" : msg;
  const size_t nl = s.find('\n');
  if (nl != std::string::npos) s.resize(nl);
  return s;
}

}  // namespace

PgConnection::~PgConnection() {
  if (conn != nullptr) PQfinish(conn);
}

StatusOr<std::unique_ptr<PgConnection>> ConnectPg(const std::string& conninfo) {
  auto c = std::make_unique<PgConnection>();
  // Warnings and notices are not results: the server sends none (not even
  // while the connection starts), and none is printed.
  const std::string quiet = conninfo + " options='-c client_min_messages=error'";
  c->conn = PQconnectdb(quiet.c_str());
  if (c->conn == nullptr) return Status::IOError("postgres: out of memory connecting");
  PQsetNoticeProcessor(
      c->conn, [](void*, const char*) {}, nullptr);
  if (PQstatus(c->conn) != CONNECTION_OK) {
    return Status::IOError(fmt::format("postgres: cannot connect ({}): {}", conninfo,
                                       OneLine(PQerrorMessage(c->conn))));
  }
  return c;
}

std::string PgConnValue(const std::string& v) {
  if (!v.empty() && v.find_first_of(" '\\\t\n") == std::string::npos) return v;
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

bool PgAnswers(const std::string& conninfo, int timeout_ms) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  std::unique_ptr<PGconn, decltype(&PQfinish)> c(PQconnectStart(conninfo.c_str()), PQfinish);
  if (c == nullptr || PQstatus(c.get()) == CONNECTION_BAD) return false;
  PostgresPollingStatusType st = PGRES_POLLING_WRITING;
  while (st != PGRES_POLLING_OK) {
    if (st == PGRES_POLLING_FAILED) return false;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd p{PQsocket(c.get()), static_cast<short>(st == PGRES_POLLING_READING ? POLLIN : POLLOUT),
             0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    st = PQconnectPoll(c.get());
  }
  return true;
}

Status FromPg(PgConnection* c, const PGresult* res, std::string_view context) {
  const char* state = res == nullptr ? nullptr : PQresultErrorField(res, PG_DIAG_SQLSTATE);
  c->last_sqlstate = state == nullptr ? "" : state;
  const char* primary = res == nullptr ? nullptr : PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
  std::string msg =
      fmt::format("postgres: {}: {}{}", context,
                  primary != nullptr ? primary : OneLine(PQerrorMessage(c->conn)),
                  c->last_sqlstate.empty() ? "" : " (SQLSTATE " + c->last_sqlstate + ")");
  const std::string_view cls = std::string_view(c->last_sqlstate).substr(0, 2);
  if (PQstatus(c->conn) != CONNECTION_OK) return Status::IOError("connection lost: " + msg);
  if (cls == "23") return Status::Conflict(std::move(msg));
  if (cls == "22" || cls == "42") return Status::InvalidArgument(std::move(msg));
  if (cls == "XX") return Status::Corruption(std::move(msg));
  return Status::IOError(std::move(msg));
}

Status ExecPg(PgConnection* c, const std::string& sql) {
  std::unique_ptr<PGresult, decltype(&PQclear)> res(PQexec(c->conn, sql.c_str()), PQclear);
  const ExecStatusType st = res == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(res.get());
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
    c->last_sqlstate.clear();
    return Status::OK();
  }
  return FromPg(c, res.get(), sql.substr(0, 60));
}

std::string PgParameterSql(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  bool quoted = false;
  for (char ch : sql) {
    if (ch == '\'') quoted = !quoted;
    out += (ch == '?' && !quoted) ? '$' : ch;
  }
  return out;
}

PgStatement::~PgStatement() { Reset(); }

Status PgStatement::Prepare(PgConnection* c, const char* sql, WorkCounters* stats) {
  c_ = c;
  stats_ = stats;
  sql_ = PgParameterSql(sql);
  name_ = fmt::format("s{}", c->next_statement++);
  std::unique_ptr<PGresult, decltype(&PQclear)> res(
      PQprepare(c->conn, name_.c_str(), sql_.c_str(), 0, nullptr), PQclear);
  if (res == nullptr || PQresultStatus(res.get()) != PGRES_COMMAND_OK) {
    return FromPg(c, res.get(), "prepare " + sql_.substr(0, 60));
  }
  return Status::OK();
}

void PgStatement::BindInt(int i, int64_t v) {
  if (params_.size() < static_cast<size_t>(i)) params_.resize(i);
  params_[i - 1] = std::to_string(v);
}

void PgStatement::BindText(int i, std::string_view v) {
  if (params_.size() < static_cast<size_t>(i)) params_.resize(i);
  params_[i - 1] = std::string(v);
}

void PgStatement::BindNull(int i) {
  if (params_.size() < static_cast<size_t>(i)) params_.resize(i);
  params_[i - 1].reset();
}

Status PgStatement::Execute() {
  executed_ = true;
  std::vector<const char*> values(params_.size());
  for (size_t i = 0; i < params_.size(); ++i) {
    values[i] = params_[i].has_value() ? params_[i]->c_str() : nullptr;
  }
  if (stats_ != nullptr) stats_->AddQueries(1);
  res_ = PQexecPrepared(c_->conn, name_.c_str(), static_cast<int>(values.size()), values.data(),
                        nullptr, nullptr, 0);
  const ExecStatusType st = res_ == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(res_);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    Status s = FromPg(c_, res_, sql_.substr(0, 60));
    if (res_ != nullptr) PQclear(res_);
    res_ = nullptr;
    return s;
  }
  c_->last_sqlstate.clear();
  if (stats_ != nullptr) {
    if (st == PGRES_TUPLES_OK) stats_->AddRowsRead(static_cast<uint64_t>(PQntuples(res_)));
    const char* changed = PQcmdTuples(res_);
    if (st == PGRES_COMMAND_OK && changed != nullptr && *changed != '\0') {
      stats_->AddRowsWritten(std::strtoull(changed, nullptr, 10));
    }
  }
  return Status::OK();
}

StatusOr<bool> PgStatement::Step() {
  if (!executed_) LB_RETURN_IF_ERROR(Execute());
  if (res_ == nullptr) return false;
  ++row_;
  return row_ < PQntuples(res_);
}

Status PgStatement::Run() {
  StatusOr<bool> row = Step();
  return row.ok() ? Status::OK() : row.status();
}

int64_t PgStatement::Int(int col) const {
  return std::strtoll(PQgetvalue(res_, row_, col), nullptr, 10);
}

bool PgStatement::IsNull(int col) const { return PQgetisnull(res_, row_, col) != 0; }

std::string PgStatement::Text(int col) const {
  return std::string(PQgetvalue(res_, row_, col), PQgetlength(res_, row_, col));
}

void PgStatement::Reset() {
  if (res_ != nullptr) PQclear(res_);
  res_ = nullptr;
  executed_ = false;
  row_ = -1;
  params_.clear();
}

}  // namespace listbench
