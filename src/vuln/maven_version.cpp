// Maven version ordering, as maven-artifact's ComparableVersion: the version is split at '.',
// '-' and digit/letter transitions into a tree of lists (a '-' or a transition opens a sub-list),
// trailing "null" items (0, "", "final", "ga", "release") are dropped, and items compare
// numbers > lists > qualifiers, with the known qualifiers ordered
// alpha < beta < milestone < rc < snapshot < "" < sp < anything else (alphabetically).
#include <array>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "vuln/decimal.hpp"
#include "vuln/version.hpp"

namespace portcullis::vuln {
namespace {

struct ListItem;
struct Qualifier {
  std::string value;
};
// A number (its digits, without leading zeros), a qualifier, or a sub-list.
using Item = std::variant<std::string, Qualifier, std::unique_ptr<ListItem>>;

struct ListItem {
  std::vector<Item> items;
};

constexpr std::array<std::string_view, 7> kQualifiers = {"alpha",    "beta", "milestone", "rc",
                                                         "snapshot", "",     "sp"};
constexpr std::string_view kReleaseIndex = "5";

std::string comparable_qualifier(const std::string& q) {
  for (size_t i = 0; i < kQualifiers.size(); ++i) {
    if (kQualifiers[i] == q) return std::to_string(i);
  }
  return std::to_string(kQualifiers.size()) + "-" + q;
}

Qualifier make_qualifier(std::string value, bool followed_by_digit) {
  if (followed_by_digit && value.size() == 1) {
    // a1 = alpha-1, b1 = beta-1, m1 = milestone-1
    if (value == "a") value = "alpha";
    if (value == "b") value = "beta";
    if (value == "m") value = "milestone";
  }
  if (value == "ga" || value == "final" || value == "release") value.clear();
  if (value == "cr") value = "rc";
  return Qualifier{std::move(value)};
}

Item parse_item(bool digit, std::string_view buf) {
  if (digit) return std::string(strip_leading_zeros(buf));
  return make_qualifier(std::string(buf), false);
}

bool is_null(const Item& item) {
  if (const auto* n = std::get_if<std::string>(&item)) return *n == "0";
  if (const auto* q = std::get_if<Qualifier>(&item)) {
    return comparable_qualifier(q->value) == kReleaseIndex;
  }
  return std::get<std::unique_ptr<ListItem>>(item)->items.empty();
}

void normalize(ListItem& list) {
  for (size_t i = list.items.size(); i-- > 0;) {
    if (is_null(list.items[i])) {
      list.items.erase(list.items.begin() + static_cast<std::ptrdiff_t>(i));
    } else if (!std::holds_alternative<std::unique_ptr<ListItem>>(list.items[i])) {
      break;
    }
  }
}

std::unique_ptr<ListItem> parse(std::string_view version) {
  std::string v(version);
  for (char& c : v) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  auto root = std::make_unique<ListItem>();
  ListItem* list = root.get();
  std::vector<ListItem*> stack{list};
  auto open_sublist = [&] {
    auto sub = std::make_unique<ListItem>();
    ListItem* raw = sub.get();
    list->items.emplace_back(std::move(sub));
    list = raw;
    stack.push_back(list);
  };
  bool digit = false;
  size_t start = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (c == '.' || c == '-') {
      if (i == start) {
        list->items.emplace_back(std::string("0"));
      } else {
        list->items.push_back(parse_item(digit, std::string_view(v).substr(start, i - start)));
      }
      start = i + 1;
      if (c == '-') open_sublist();
    } else if (is_digit(c)) {
      if (!digit && i > start) {
        list->items.emplace_back(make_qualifier(v.substr(start, i - start), true));
        start = i;
        open_sublist();
      }
      digit = true;
    } else {
      if (digit && i > start) {
        list->items.push_back(parse_item(true, std::string_view(v).substr(start, i - start)));
        start = i;
        open_sublist();
      }
      digit = false;
    }
  }
  if (v.size() > start) list->items.push_back(parse_item(digit, std::string_view(v).substr(start)));
  while (!stack.empty()) {
    normalize(*stack.back());
    stack.pop_back();
  }
  return root;
}

int compare_items(const Item* a, const Item* b);

// An item against a missing one (the other list ended).
int compare_to_null(const Item& item) {
  if (const auto* n = std::get_if<std::string>(&item)) return *n == "0" ? 0 : 1;
  if (const auto* q = std::get_if<Qualifier>(&item)) {
    return sign_of(comparable_qualifier(q->value).compare(kReleaseIndex));
  }
  for (const Item& sub : std::get<std::unique_ptr<ListItem>>(item)->items) {
    if (int r = compare_to_null(sub); r != 0) return r;
  }
  return 0;
}

int compare_lists(const ListItem& a, const ListItem& b) {
  size_t n = std::max(a.items.size(), b.items.size());
  for (size_t i = 0; i < n; ++i) {
    const Item* l = i < a.items.size() ? &a.items[i] : nullptr;
    const Item* r = i < b.items.size() ? &b.items[i] : nullptr;
    if (int c = compare_items(l, r); c != 0) return c;
  }
  return 0;
}

int compare_items(const Item* a, const Item* b) {
  if (a == nullptr) return b == nullptr ? 0 : -compare_to_null(*b);
  if (b == nullptr) return compare_to_null(*a);
  const auto* an = std::get_if<std::string>(a);
  const auto* bn = std::get_if<std::string>(b);
  const auto* aq = std::get_if<Qualifier>(a);
  const auto* bq = std::get_if<Qualifier>(b);
  if (an != nullptr) return bn != nullptr ? compare_decimal(*an, *bn) : 1;
  if (aq != nullptr) {
    if (bq == nullptr) return -1;
    return sign_of(comparable_qualifier(aq->value).compare(comparable_qualifier(bq->value)));
  }
  // a is a list: numbers beat it, it beats qualifiers.
  if (bn != nullptr) return -1;
  if (bq != nullptr) return 1;
  return compare_lists(*std::get<std::unique_ptr<ListItem>>(*a),
                       *std::get<std::unique_ptr<ListItem>>(*b));
}

}  // namespace

int compare_maven(std::string_view a, std::string_view b) {
  auto x = parse(a);
  auto y = parse(b);
  return compare_lists(*x, *y);
}

}  // namespace portcullis::vuln
