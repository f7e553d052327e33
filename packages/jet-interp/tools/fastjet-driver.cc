// Reference driver for @lab/jet-interp's parity tests and benchmark: clusters events read from standard input
// (FastJet's text format: "px py pz E" lines, events ended by "#END", other '#' lines are comments) with libfastjet and
// prints what the tests compare, at full precision.
//
// Build:  g++ -O2 -std=c++11 fastjet-driver.cc $(fastjet-config --cxxflags --libs) -o fastjet-driver
//
// Usage:  fastjet-driver <mode> --alg antikt|ca|kt|genkt --R <R> [--p <p>] [--ptmin <pt>]
//                        [--excl n1,n2,...] [--dcut d1,d2,...] [--subjets n1,n2,...] [--reps k]
// Modes:
//   dump  per event: "E <index> <N> <strategy>", the history steps "H <i> <parent1> <parent2> <dij> <max_dij_so_far>",
//         then lists "L <label> <count>" each followed by <count> jet lines
//         "J <px> <py> <pz> <E> <rap> <phi> <m> <n_constituents> <particle indices, ascending...>":
//         label I = sorted_by_pt(inclusive_jets(ptmin)); Xn = sorted_by_pt(exclusive_jets_up_to(n));
//         Dk = sorted_by_pt(exclusive_jets(dcut_k)), preceded by "N k <dcut> <n_exclusive_jets>";
//         Sj_n = sorted_by_pt(exclusive_subjets_up_to(inclusive jet j, n)); and "M <n> <dmerge> <dmerge_max>" per n.
//   cli   the `jet-interp cluster` output: per inclusive jet "pt rap phi m n" with %.10g, then "#END".
//   time  clusters each event --reps times (ClusterSequence + sorted_by_pt(inclusive_jets(ptmin))) and prints
//         "T <index> <N> <seconds per clustering> <strategy>" and finally "TOTAL <seconds for one pass over all events>".
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>
#include "fastjet/ClusterSequence.hh"

using namespace fastjet;

static std::vector<double> parse_list(const std::string &s) {
  std::vector<double> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) if (!item.empty()) out.push_back(std::atof(item.c_str()));
  return out;
}

static std::vector<std::vector<PseudoJet> > read_events(std::istream &in) {
  std::vector<std::vector<PseudoJet> > events;
  std::vector<PseudoJet> current;
  bool open = false;
  std::string line;
  while (std::getline(in, line)) {
    size_t start = line.find_first_not_of(" \t\r");
    if (start == std::string::npos) continue;
    if (line[start] == '#') {
      if (line.compare(start, 4, "#END") == 0) {
        events.push_back(current);
        current.clear();
        open = false;
      }
      continue;
    }
    std::istringstream ls(line);
    double px, py, pz, E;
    if (!(ls >> px >> py >> pz >> E)) {
      std::cerr << "bad line: " << line << std::endl;
      std::exit(2);
    }
    PseudoJet p(px, py, pz, E);
    p.set_user_index(current.size());
    current.push_back(p);
    open = true;
  }
  if (open) events.push_back(current);
  return events;
}

static void print_jets(const std::string &label, const std::vector<PseudoJet> &jets) {
  std::printf("L %s %d\n", label.c_str(), (int)jets.size());
  for (size_t i = 0; i < jets.size(); i++) {
    const PseudoJet &j = jets[i];
    std::vector<PseudoJet> cs = j.constituents();
    std::vector<int> idx;
    for (size_t c = 0; c < cs.size(); c++) idx.push_back(cs[c].user_index());
    std::sort(idx.begin(), idx.end());
    std::printf("J %.17g %.17g %.17g %.17g %.17g %.17g %.17g %d", j.px(), j.py(), j.pz(), j.E(), j.rap(), j.phi(), j.m(), (int)idx.size());
    for (size_t c = 0; c < idx.size(); c++) std::printf(" %d", idx[c]);
    std::printf("\n");
  }
}

int main(int argc, char **argv) {
  if (argc < 2) {
    std::cerr << "usage: fastjet-driver dump|cli|time --alg A --R r [options] < events" << std::endl;
    return 2;
  }
  std::string mode = argv[1];
  std::string alg = "antikt";
  double R = 0.4, p = 1.0, ptmin = 0.0;
  int reps = 1;
  std::vector<double> excl, dcuts, subjets;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--alg") alg = v;
    else if (k == "--R") R = std::atof(v.c_str());
    else if (k == "--p") p = std::atof(v.c_str());
    else if (k == "--ptmin") ptmin = std::atof(v.c_str());
    else if (k == "--excl") excl = parse_list(v);
    else if (k == "--dcut") dcuts = parse_list(v);
    else if (k == "--subjets") subjets = parse_list(v);
    else if (k == "--reps") reps = std::atoi(v.c_str());
    else { std::cerr << "unknown option " << k << std::endl; return 2; }
  }
  JetDefinition def;
  if (alg == "antikt") def = JetDefinition(antikt_algorithm, R);
  else if (alg == "ca") def = JetDefinition(cambridge_algorithm, R);
  else if (alg == "kt") def = JetDefinition(kt_algorithm, R);
  else if (alg == "genkt") def = JetDefinition(genkt_algorithm, R, p);
  else { std::cerr << "unknown algorithm " << alg << std::endl; return 2; }

  ClusterSequence::set_fastjet_banner_stream(&std::cerr);
  std::vector<std::vector<PseudoJet> > events = read_events(std::cin);
  if (mode == "dump") std::printf("# %s\n", def.description().c_str());

  if (mode == "time") {
    double total = 0.0, checksum = 0.0;
    for (size_t e = 0; e < events.size(); e++) {
      std::string strategy = "none";
      auto t0 = std::chrono::steady_clock::now();
      for (int r = 0; r < reps; r++) {
        ClusterSequence cs(events[e], def);
        std::vector<PseudoJet> jets = sorted_by_pt(cs.inclusive_jets(ptmin));
        if (!jets.empty()) checksum += jets[0].pt();
        if (r == 0) strategy = cs.strategy_string();
      }
      auto t1 = std::chrono::steady_clock::now();
      double secs = std::chrono::duration<double>(t1 - t0).count() / reps;
      total += secs;
      std::printf("T %d %d %.9g %s\n", (int)e, (int)events[e].size(), secs, strategy.c_str());
    }
    std::printf("TOTAL %.9g\n", total);
    std::fprintf(stderr, "checksum %.6g\n", checksum);
    return 0;
  }

  for (size_t e = 0; e < events.size(); e++) {
    ClusterSequence cs(events[e], def);
    std::vector<PseudoJet> incl = sorted_by_pt(cs.inclusive_jets(ptmin));
    if (mode == "cli") {
      for (size_t i = 0; i < incl.size(); i++) {
        std::printf("%.10g %.10g %.10g %.10g %d\n", incl[i].pt(), incl[i].rap(), incl[i].phi(), incl[i].m(), (int)incl[i].constituents().size());
      }
      std::printf("#END\n");
      continue;
    }
    int N = (int)events[e].size();
    std::printf("E %d %d %s\n", (int)e, N, N > 0 ? cs.strategy_string().c_str() : "none");
    const std::vector<ClusterSequence::history_element> &h = cs.history();
    for (size_t i = N; i < h.size(); i++) {
      std::printf("H %d %d %d %.17g %.17g\n", (int)i, h[i].parent1, h[i].parent2, h[i].dij, h[i].max_dij_so_far);
    }
    print_jets("I", incl);
    for (size_t k = 0; k < excl.size(); k++) {
      int n = (int)excl[k];
      std::ostringstream label;
      label << "X" << n;
      print_jets(label.str(), sorted_by_pt(cs.exclusive_jets_up_to(n)));
      std::printf("M %d %.17g %.17g\n", n, cs.exclusive_dmerge(n), cs.exclusive_dmerge_max(n));
    }
    for (size_t k = 0; k < dcuts.size(); k++) {
      std::printf("N %d %.17g %d\n", (int)k, dcuts[k], cs.n_exclusive_jets(dcuts[k]));
      std::ostringstream label;
      label << "D" << k;
      print_jets(label.str(), sorted_by_pt(cs.exclusive_jets(dcuts[k])));
    }
    for (size_t j = 0; j < incl.size() && j < 3; j++) {
      for (size_t k = 0; k < subjets.size(); k++) {
        int n = (int)subjets[k];
        std::ostringstream label;
        label << "S" << j << "_" << n;
        print_jets(label.str(), sorted_by_pt(cs.exclusive_subjets_up_to(incl[j], n)));
      }
    }
  }
  return 0;
}
