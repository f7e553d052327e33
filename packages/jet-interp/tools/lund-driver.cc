// Reference driver for @lab/jet-interp's Lund-plane and observable parity tests: each event read from standard input
// (FastJet's text format: "px py pz E" lines, events ended by "#END", other '#' lines are comments) is one jet's
// constituents. With libfastjet only (no fjcontrib), per event it prints at full precision:
//   "E <index> <N>"
//   the primary Lund declustering of the C/A reclustering at R = JetDefinition::max_allowable_R, widest first:
//   "P <pair history index> <harder index> <softer index> <Delta> <kt> <z> <psi> <m>", harder = larger pt2, with
//   Delta = delta_R, kt = pt_soft Delta, z = pt_soft / (pt_soft + pt_hard), psi = atan2(y_soft - y_hard, dphi(hard -> soft));
//   the exclusive-kt axes (kt at max_allowable_R, exclusive_jets_up_to(n), sorted by pt) for n = 1, 2, 3:
//   "A <n> <k> <rap> <phi> <pt>", then "T <n> <sum_i pt_i min_k dR^1> <sum_i pt_i min_k dR^2> <sum_i pt_i>";
//   angularities about the jet's four-momentum with R = 0.8:
//   "L <kappa> <beta> <sum_i (pt_i / pt_jet)^kappa (dR(i, jet) / 0.8)^beta>".
//
// Build:  g++ -O2 -std=c++11 lund-driver.cc $(fastjet-config --cxxflags --libs) -o lund-driver
// Usage:  lund-driver < jets.dat
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>
#include "fastjet/ClusterSequence.hh"

using fastjet::ClusterSequence;
using fastjet::JetDefinition;
using fastjet::PseudoJet;

static bool next_event(std::istream &in, std::vector<PseudoJet> &out) {
  out.clear();
  std::string line;
  bool any = false;
  while (std::getline(in, line)) {
    size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos) continue;
    any = true;
    if (line[first] == '#') {
      if (line.compare(first, 4, "#END") == 0) return true;
      continue;
    }
    std::istringstream fields(line);
    double px, py, pz, e;
    if (!(fields >> px >> py >> pz >> e)) {
      std::cerr << "cannot read four numbers from: " << line << std::endl;
      std::exit(2);
    }
    PseudoJet p(px, py, pz, e);
    p.set_user_index((int)out.size());
    out.push_back(p);
  }
  return any && !out.empty();
}

int main() {
  ClusterSequence::set_fastjet_banner_stream(&std::cerr);
  const double R = 0.8;
  const double kappas[] = {0, 1, 1, 2, 0.5, 1.5};
  const double betas[] = {0, 1, 2, 0, 1, 0.5};
  std::vector<PseudoJet> parts;
  int index = 0;
  while (next_event(std::cin, parts)) {
    std::printf("E %d %d\n", index++, (int)parts.size());
    if (parts.empty()) continue;

    ClusterSequence ca(parts, JetDefinition(fastjet::cambridge_algorithm, JetDefinition::max_allowable_R));
    std::vector<PseudoJet> jets = fastjet::sorted_by_pt(ca.inclusive_jets());
    PseudoJet node = jets[0];
    PseudoJet a, b;
    while (node.has_parents(a, b)) {
      if (a.pt2() < b.pt2()) std::swap(a, b);  // a: harder branch
      double delta = a.delta_R(b);
      double z = b.pt() / (a.pt() + b.pt());
      double psi = std::atan2(b.rap() - a.rap(), a.delta_phi_to(b));
      std::printf("P %d %d %d %.17g %.17g %.17g %.17g %.17g\n", node.cluster_hist_index(), a.cluster_hist_index(),
                  b.cluster_hist_index(), delta, b.pt() * delta, z, psi, node.m());
      node = a;
    }

    ClusterSequence kt(parts, JetDefinition(fastjet::kt_algorithm, JetDefinition::max_allowable_R));
    for (int n = 1; n <= 3; n++) {
      std::vector<PseudoJet> axes = fastjet::sorted_by_pt(kt.exclusive_jets_up_to(n));
      for (size_t k = 0; k < axes.size(); k++) {
        std::printf("A %d %d %.17g %.17g %.17g\n", n, (int)k, axes[k].rap(), axes[k].phi(), axes[k].pt());
      }
      double sum1 = 0, sum2 = 0, ptsum = 0;
      for (size_t i = 0; i < parts.size(); i++) {
        double best = HUGE_VAL;
        for (size_t k = 0; k < axes.size(); k++) best = std::min(best, parts[i].squared_distance(axes[k]));
        sum1 += parts[i].pt() * std::sqrt(best);
        sum2 += parts[i].pt() * best;
        ptsum += parts[i].pt();
      }
      std::printf("T %d %.17g %.17g %.17g\n", n, sum1, sum2, ptsum);
    }

    PseudoJet jet = fastjet::join(parts);
    for (int q = 0; q < 6; q++) {
      double s = 0;
      for (size_t i = 0; i < parts.size(); i++) {
        s += std::pow(parts[i].pt() / jet.pt(), kappas[q]) * std::pow(parts[i].delta_R(jet) / R, betas[q]);
      }
      std::printf("L %.17g %.17g %.17g\n", kappas[q], betas[q], s);
    }
  }
  return 0;
}
