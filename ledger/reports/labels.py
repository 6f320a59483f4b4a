"""Words for the evaluation report: Dutch (the default) and English.

Codes are the ledger's own (``ledger.aggregates.vocabulary``), and so are their words
(``ledger.aggregates.labels``); instrument names and their
domain labels, Dutch and English, come from the instruments themselves
(``ledger.aggregates.instruments``). A code without
a label is shown as itself, so a new vocabulary member never breaks a report.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from ledger.aggregates.instruments import INSTRUMENTS
from ledger.aggregates.labels import LABELS
from ledger.aggregates.vocabulary import (
    CoordinationOutcome,
    CostStream,
    Discipline,
    ErasureReason,
    HouseholdComposition,
    InvolvementEndReason,
    LegalReference,
    NetworkRelation,
    PerformerKind,
    ReferralSource,
)

__all__ = ["LANGS", "Lang", "Words", "words"]

Lang = Literal["nl", "en"]
LANGS: tuple[Lang, ...] = ("nl", "en")

# The vocabularies' words are the domain's own (ledger.aggregates.labels); the report adds its
# phases reached, totals, lead times and norms.
_CODES: dict[str, Mapping[str, tuple[str, str]]] = {
    "source": LABELS[ReferralSource],
    "composition": LABELS[HouseholdComposition],  # the categories municipalities report (issue 15)
    "outcome": LABELS[CoordinationOutcome],
    "phase": {
        "referred": ("Aangemeld", "Referred"),
        "orientation_talk_held": ("Oriënterend gesprek gevoerd", "Orientation talk held"),
        "orientation_with_household": ("Oriënterend gesprek met het huishouden", "Orientation talk with the household"),
        "orientation_professionals_only": ("Oriënterend gesprek alleen met professionals",
                                           "Orientation talk with professionals only"),
        "coordination_decided": ("Besluit over regie genomen", "Coordination decided"),
        "intake_held": ("Integrale intake gehouden", "Integral intake held"),
        "plan_scheduled": ("Planbespreking gepland", "Plan meeting scheduled"),
        "plan_made": ("Gezinsplan gemaakt", "Household plan made"),
        "interim_evaluation_held": ("Eerste tussenevaluatie gehouden", "First interim evaluation held"),
        "closed": ("Afgesloten (op de peildatum)", "Closed (on the report date)"),
        "dropped_out": ("Uitgevallen", "Dropped out"),
        "refused": ("Hulp geweigerd", "Refused help"),
        # caseload phases
        "intake": ("Intake", "Intake"),
        "coordination": ("Coördinatiebesluit", "Coordination decided"),
        "plan": ("Plan", "Plan"),
        "aftercare": ("Nazorg (waakvlam)", "Aftercare"),
    },
    "performer": {**LABELS[PerformerKind], "total": ("Totaal", "Total")},
    "stream": {**LABELS[CostStream], "total": ("Totaal", "Total")},
    "lead_time": {
        "referral_to_intake": ("Aanmelding → intake", "Referral → intake"),
        "intake_to_plan": ("Intake → plan", "Intake → plan"),
        "plan_to_first_interim_evaluation": ("Plan → eerste tussenevaluatie", "Plan → first interim evaluation"),
        "referral_to_plan": ("Aanmelding → plan (totaal)", "Referral → plan (total)"),
    },
    "norm": {
        "below": ("Onder 8", "Below 8"),
        "within": ("8 tot en met 30 (aanbevolen)", "8 to 30 (recommended)"),
        "above": ("Boven 30", "Above 30"),
    },
    # Closed since issue 12 item 10 (the fields were free text, stored in clear).
    "discipline": LABELS[Discipline],
    "end_reason": LABELS[InvolvementEndReason],  # issue 15: left in the follow-up, by reason
    "network_relation": LABELS[NetworkRelation],
    "legal_reference": LABELS[LegalReference],
    "erasure_reason": LABELS[ErasureReason],
}

_TEXT: dict[str, tuple[str, str]] = {
    "title": ("Evaluatie integrale aanpak", "Evaluation of the integrated approach"),
    "subtitle": ("Eén gezin, één plan, één regisseur: herberekend uit het grootboek",
                 "One family, one plan, one director: replayed from the ledger"),
    "period": ("Periode (aanmeldingen)", "Period (referrals)"),
    "from_start": ("vanaf het begin", "from the start"),
    "until": ("t/m", "to"),
    "as_of": ("Stand per (peildatum)", "As of (report date)"),
    "rests_on": ("Berust op", "Rests on"),
    "households_events": ("{h} huishoudens en {e} gebeurtenissen in hun dossiers",
                          "{h} households and {e} events in their files"),
    "erased": ("waarvan {n} gewist (alleen codes en datums blijven)",
               "of which {n} erased (only codes and dates remain)"),
    "ledger_position": ("Grootboekpositie en kop van de hashketen", "Ledger position and hash-chain head"),
    "last_included": ("laatste meegenomen positie", "last position included"),
    "signed": ("Ondertekend", "Signed"),
    "verify": ("Controleren: bewaar het blok ‘ledger’ uit de JSON als digest.json en voer uit "
               "<code>ledger audit verify --digest digest.json</code>; met dezelfde parameters geeft "
               "het rapport dezelfde cijfers.",
               "To verify: save the ‘ledger’ block of the JSON as digest.json and run "
               "<code>ledger audit verify --digest digest.json</code>; with the same parameters the "
               "report gives the same figures."),
    "pseudonymous": ("Alleen pseudonieme totalen: geen huishoudens, namen of dossiernummers.",
                     "Pseudonymous aggregates only: no households, names or file numbers."),
    "suppressed": ("Aantallen onder {n} (behalve 0) en cijfers over minder dan {n} huishoudens of items tonen als "
                   "‘&lt;{n}’; ‘x’ is een cel die is weggelaten zodat zo’n kleine cel niet terug te rekenen is. "
                   "De peildatum is het einde van een afgelopen kalendermaand; de periode omvat hele maanden, "
                   "gebundeld tot blokken van minstens {n} aanmeldingen.",
                   "Counts under {n} (zero excepted) and figures over fewer than {n} households or items show as "
                   "‘&lt;{n}’; "
                   "‘x’ is a cell withheld so that such a small cell cannot be worked out. The as-of date is the "
                   "end of a calendar month that is over; the period spans whole months, grouped into blocks of "
                   "at least {n} referrals."),
    "requested": ("Gevraagd", "Requested"),
    "not_suppressed": ("Kleine aantallen zijn niet onderdrukt (intern gebruik).",
                       "Small counts are not suppressed (internal use)."),
    "generated": ("Berekend", "Computed"),
    # trends (the series, issue 14 item 3)
    "series_title": ("Evaluatie integrale aanpak: verloop", "Evaluation of the integrated approach: trends"),
    "s_trends": ("Verloop over de tijd", "Trends over time"),
    "trends_note": ("Elk punt is het rapport per die datum (einde van de {every}), met dezelfde onderdrukking; "
                    "alle punten berusten op grootboekpositie {p}. Een onderdrukte of weggelaten waarde is een "
                    "onderbreking in de lijn; de tabel onder elke grafiek geeft de getallen.",
                    "Each point is the report as of that date (the end of the {every}), with the same "
                    "suppression; every point rests on ledger position {p}. A suppressed or withheld value is a "
                    "gap in the line; the table under each chart gives the numbers."),
    "every_month": ("maand", "month"), "every_quarter": ("kwartaal", "quarter"), "every_year": ("jaar", "year"),
    "date": ("Datum", "Date"),
    "point_withheld": ("weggelaten: te weinig huishoudens", "withheld: too few households"),
    "as_table": ("De getallen als tabel", "The numbers as a table"),
    "chart_desc": ("Lijngrafiek per datum van {a} t/m {b}: {what}.", "Line chart by date from {a} to {b}: {what}."),
    "t_households": ("Huishoudens in het cohort", "Households in the cohort"),
    "t_caseloads": ("Actieve huishoudens bij regisseurs", "Active households with case directors"),
    "t_involved": ("Betrokken op de datum", "Involved on the date"),
    "t_actions": ("Plan-acties: open en te laat", "Plan actions: open and late"),
    "t_zrm": ("{i}: vooruit, gelijk en achteruit per leefgebied", "{i}: up, same and down per life domain"),
    # sections
    "s_referrals": ("Aanmeldingen per bron", "Referrals by source"),
    "s_composition": ("Samenstelling huishouden bij aanmelding", "Household composition at referral"),
    "s_composition_revised": ("Samenstelling huishouden op de peildatum (na herzieningen)",
                              "Household composition on the report date (as revised)"),
    "revised_households": ("Samenstelling herzien", "Composition revised"),
    "s_coordination": ("Coördinatiebesluiten", "Coordination decisions"),
    "s_phases": ("Bereikte fase", "Phase reached"),
    "s_zrm": ("Zelfredzaamheid (ZRM) en andere meetinstrumenten per leefgebied",
              "Self-sufficiency (ZRM) and other instruments per life domain"),
    "s_involvement": ("Betrokken professionals en vrijwilligers", "Professionals and volunteers involved"),
    "s_network": ("Eigen kracht: het eigen netwerk bij de intake en op de peildatum",
                  "Own strength: the household's own network at intake and on the report date"),
    "network_note": ("Over huishoudens met een netwerk (ecogram) vastgelegd bij de intake; op de peildatum: het "
                     "laatst vastgelegde netwerk tot en met die dag, anders dat van de intake.",
                     "Over households whose intake recorded a network (eco-map); on the report date: the network "
                     "last recorded up to that day, else the intake's."),
    "s_actions": ("Plan-acties naar uitvoerder", "Plan actions by performer"),
    "s_lead_times": ("Doorlooptijden (dagen)", "Lead times (days)"),
    "s_caseloads": ("Caseload per regisseur op de peildatum", "Caseload per case director on the report date"),
    "s_costs": ("Kosten (waar vastgelegd)", "Costs (where recorded)"),
    # columns and notes
    "households": ("Huishoudens", "Households"),
    "households_lc": ("huishoudens", "households"),
    "source": ("Bron", "Source"),
    "multiple_sources": ("Door twee of meer bronnen aangemeld (tegelijk of later)",
                         "Referred by two or more sources (at once or later)"),
    "referrals_total": ("Aanmeldingen (eerste en latere)", "Referrals (first and later)"),
    "referred_more_than_once": ("Meer dan eens aangemeld (dubbele aanmelding)", "Referred more than once (double referral)"),
    "referred_once": ("Eenmaal aangemeld", "Referred once"),
    "combination": ("Combinatie van bronnen", "Combination of sources"),
    "sources_note": ("Een huishouden met twee bronnen telt bij elke bron mee, ook een bron van een latere aanmelding.",
                     "A household with two sources counts under each, also a source of a later referral."),
    "composition": ("Samenstelling", "Composition"),
    "with_children": ("Met kinderen", "With children"),
    "adults": ("Volwassenen (totaal)", "Adults (total)"),
    "children": ("Kinderen (totaal)", "Children (total)"),
    "outcome": ("Uitkomst", "Outcome"),
    "decided": ("Besluit genomen", "Decided"),
    "undecided": ("Nog geen besluit", "Not decided yet"),
    "phase": ("Fase", "Phase"),
    "share": ("Aandeel", "Share"),
    "zrm_rule": ("Per huishouden, instrument en leefgebied: de eerste intakemeting (nulmeting) tegenover de laatste "
                 "tussen- of eindmeting daarna, binnen hetzelfde instrument en dezelfde versie; een hogere score "
                 "is beter (vooruit). ZRM 2013 en 2017, de Participatieladder, cliënttevredenheid (1-5 en 1-10) "
                 "en de levensscore worden nooit met elkaar vergeleken: daarvoor bestaat geen vastgelegde omzetting.",
                 "Per household, instrument and life domain: the first intake measurement (baseline) against the "
                 "latest interim or final measurement after it, within one instrument and version; a higher score "
                 "is better (up). ZRM 2013 and 2017, the participation ladder, client satisfaction (1-5 and 1-10) "
                 "and the life score are never compared with each other: no documented mapping exists."),
    "two_instruments": ("Huishoudens gemeten met beide versies (niet over versies heen vergeleken)",
                        "Households measured with both versions (not compared across versions)"),
    "domain": ("Leefgebied", "Life domain"),
    "measured": ("Nulmeting", "Baseline"),
    "at_most_3": ("Score ≤ 3 bij intake", "Score ≤ 3 at intake"),
    "compared": ("Vergeleken", "Compared"),
    "up": ("Vooruit", "Up"),
    "same": ("Gelijk", "Same"),
    "down": ("Achteruit", "Down"),
    "distribution": ("Verdeling van scores bij de vergeleken huishoudens: nulmeting en laatste meting",
                     "Distribution of scores of the compared households: baseline and latest"),
    "distribution_note": ("Beide balken tellen dezelfde huishoudens (n = vergeleken); de verdeling over alle "
                          "nulmetingen staat in de JSON en CSV (intake_scores).",
                          "Both bars count the same households (n = compared); the distribution over all "
                          "baselines is in the JSON and CSV (intake_scores)."),
    "at_intake": ("Nulmeting", "Baseline"),
    "latest": ("Laatste", "Latest"),
    "scale_legend": ("Schaal {lo} tot en met {hi}; een hogere score is beter",
                     "Scale {lo} to {hi}; a higher score is better"),
    "score_legend": ("1 acute problematiek · 2 niet zelfredzaam · 3 beperkt · 4 voldoende · "
                     "5 volledig zelfredzaam",
                     "1 acute problems · 2 not self-sufficient · 3 limited · 4 sufficient · 5 fully self-sufficient"),
    "involvement_note": ("Over huishoudens waar een regisseur actief was (en een intake gehouden): betrokkenen bij "
                         "de intake tegenover op de peildatum.",
                         "Over households where a case director was active (with an intake held): involved at "
                         "intake versus on the report date."),
    "kind": ("Soort", "Kind"),
    "followed": ("Betrokken in de follow-up", "Involved during the follow-up"),
    "engaged": ("Nieuw betrokken", "Newly engaged"),
    "left": ("Vertrokken", "Left"),
    "already_involved": ("Al betrokken bij aanmelding", "Already involved at referral"),
    "end_reason": ("Reden van vertrek", "Reason for leaving"),
    "organisations": ("Verschillende organisaties", "Distinct organisations"),
    "ever": ("Ooit betrokken", "Ever involved"),
    "volunteers_took_over_households": ("Huishoudens waar vrijwilligers professionele hulp overbodig maakten",
                                        "Households where volunteers made professional help unnecessary"),
    "already_involved_households": ("Huishoudens met al betrokken instanties bij aanmelding",
                                    "Households with agencies already involved at referral"),
    "involvement_flow_note": ("Nieuw betrokken en vertrokken: na de intakedag tot en met de peildatum; bij start "
                              "+ nieuw − vertrokken = op peildatum.",
                              "Newly engaged and left: after the intake day up to the report date; at start + "
                              "newly engaged − left = on report date."),
    "professionals": ("Professionals", "Professionals"),
    "volunteers": ("Vrijwilligers", "Volunteers"),
    "at_start": ("Bij start (intake)", "At start (intake)"),
    "at_report_date": ("Op peildatum", "On report date"),
    "change": ("Verandering", "Change"),
    "per_household": ("Per huishouden", "Per household"),
    "performer": ("Uitvoerder", "Performer"),
    "added": ("Toegevoegd", "Added"),
    "done": ("Gedaan", "Done"),
    "cancelled": ("Geannuleerd", "Cancelled"),
    "open": ("Open", "Open"),
    "late": ("Te laat", "Late"),
    "open_not_late": ("Open, op tijd", "Open, on time"),
    "late_note": ("Te laat: open en de streefdatum ligt vóór de peildatum.",
                  "Late: open, and due before the report date."),
    "lead_time": ("Traject", "Stage"),
    "n": ("n", "n"),
    "median": ("Mediaan", "Median"),
    "q1": ("1e kwartiel", "1st quartile"),
    "q3": ("3e kwartiel", "3rd quartile"),
    "min": ("Min", "Min"),
    "max": ("Max", "Max"),
    "lead_note": ("Balk: 1e tot 3e kwartiel; streep: mediaan.", "Bar: 1st to 3rd quartile; line: median."),
    "director": ("Regisseur", "Case director"),
    "organisation": ("Organisatie", "Organisation"),
    "norm": ("Norm", "Norm"),
    "directors": ("Regisseurs", "Case directors"),
    "active_households": ("Actieve huishoudens", "Active households"),
    "caseload_note": ("Alle op de peildatum actieve huishoudens met een regisseur, ongeacht de aanmeldperiode; "
                      "regisseurs zijn gepseudonimiseerd (R1, R2, …). Normen (landelijk genoemd): circa 8 per fte "
                      "voor de meest complexe casussen, 20–25 in de jeugdhulp, 50 bij werk en inkomen, meer dan 100 "
                      "onder de Participatiewet; aanbevolen 8–30. Het grootboek kent geen fte: één regisseur telt "
                      "als één fte.",
                      "Every household active on the report date with a case director, whatever its referral "
                      "date; directors are pseudonymised (R1, R2, …). Norms quoted nationally: about 8 per FTE for "
                      "the most complex cases, 20–25 in youth work, 50 in work & income, over 100 under the "
                      "Participation Act; recommended 8–30. The ledger records no FTE: one director counts as one "
                      "FTE."),
    "norm_band": ("aanbevolen 8–30", "recommended 8–30"),
    "stream": ("Stroom", "Stream"),
    "baseline_per_year": ("Nulmeting per jaar", "Baseline per year"),
    "approach_per_year": ("Tijdens aanpak per jaar", "During the approach per year"),
    "with_baseline": ("Met nulmeting (2 jaar vóór aanmelding)", "With a baseline (2 years before referral)"),
    "with_intervention": ("Met kosten tijdens de aanpak", "With costs during the approach"),
    "with_both": ("Met beide (basis van de vergelijking)", "With both (the basis of the comparison)"),
    "costs_note": ("Alleen huishoudens met beide soorten vastgelegde kosten; voor andere huishoudens wordt niets "
                   "geschat. Nulmeting per jaar = totaal ÷ 2. Tijdens de aanpak per jaar = totaal ÷ (dagen van "
                   "aanmelding tot afsluiting of peildatum ÷ 365).",
                   "Only households with both kinds of recorded costs; nothing is estimated for others. Baseline "
                   "per year = total ÷ 2. During the approach per year = total ÷ (days from referral to closure "
                   "or the report date ÷ 365)."),
    "mean_per_household": ("Gemiddeld per huishouden per jaar", "Mean per household per year"),
    "none": ("geen gegevens", "no data"),
    "footer": ("Definities: docs/evaluation.md. Cijfers zijn herberekend door het grootboek opnieuw af te spelen "
               "tot en met de peildatum; een rapport per een eerdere datum geeft de cijfers die toen golden.",
               "Definitions: docs/evaluation.md. Figures are recomputed by replaying the ledger up to the end of "
               "the report date; a report as of an earlier date gives the figures that held then."),
}


# JSON keys, as words (for the CSV's label column).
_FIELDS: dict[str, tuple[str, str]] = {
    "period.from": ("periode vanaf", "period from"), "period.to": ("periode t/m", "period to"),
    "as_of": ("peildatum", "as-of date"), "min_cell": ("minimale celgrootte", "minimum cell size"),
    "requested.from": ("gevraagd: periode vanaf", "requested: period from"),
    "requested.to": ("gevraagd: periode tot en met", "requested: period to"),
    "requested.as_of": ("gevraagd: peildatum", "requested: as-of date"),
    "requested.min_cell": ("gevraagd: minimale celgrootte", "requested: minimum cell size"),
    "ledger.position": ("grootboekpositie (digest)", "ledger position (digest)"),
    "ledger.head": ("kop van de hashketen", "hash-chain head"),
    "ledger.last_included_position": ("laatste meegenomen positie", "last position included"),
    "ledger.signed_at": ("digest ondertekend", "digest signed at"),
    "households": ("huishoudens", "households"), "events": ("gebeurtenissen", "events"),
    "erased_households": ("gewiste huishoudens", "erased households"),
    "by_source": ("per bron", "by source"), "multiple_sources": ("door twee of meer bronnen", "by two or more sources"),
    "source_combinations": ("combinatie van bronnen", "combination of sources"),
    "referrals": ("aanmeldingen (eerste en latere)", "referrals (first and later)"),
    "referred_once": ("eenmaal aangemeld", "referred once"),
    "referred_more_than_once": ("meer dan eens aangemeld", "referred more than once"),
    "by_kind": ("per samenstelling", "by composition"), "with_children": ("met kinderen", "with children"),
    "as_revised": ("per samenstelling op de peildatum", "by composition on the report date"),
    "revised": ("samenstelling herzien", "composition revised"),
    "adults": ("volwassenen", "adults"), "children": ("kinderen", "children"),
    "decided": ("besluit genomen", "decided"), "undecided": ("nog geen besluit", "not decided yet"),
    "by_outcome": ("per uitkomst", "by outcome"),
    "households_with_two_instruments": ("huishoudens met beide ZRM-versies", "households with both ZRM versions"),
    "instruments": ("", ""), "domains": ("", ""),
    "intake_measured": ("nulmeting", "baseline"),
    "intake_at_most_3": ("score ≤ 3 bij intake", "score ≤ 3 at intake"),
    "compared": ("vergeleken", "compared"), "up": ("vooruit", "up"), "same": ("gelijk", "same"),
    "down": ("achteruit", "down"), "intake_scores": ("nulmeting, alle", "baseline, all"),
    "intake_scores_compared": ("nulmeting, vergeleken", "baseline, compared"),
    "latest_scores": ("laatste meting, vergeleken", "latest, compared"),
    "professionals": ("professionals", "professionals"), "volunteers": ("vrijwilligers", "volunteers"),
    "at_start": ("bij start (intake)", "at start (intake)"), "at_report_date": ("op peildatum", "on report date"),
    "change_pct": ("verandering %", "change %"),
    "per_household_at_start": ("per huishouden bij start", "per household at start"),
    "per_household_at_report_date": ("per huishouden op peildatum", "per household on report date"),
    # own network (issue 15)
    "recorded_again": ("netwerk later opnieuw vastgelegd", "network recorded again later"),
    "at_intake": ("bij de intake", "at intake"), "contacts": ("contacten", "contacts"),
    "supportive": ("steunende contacten", "supportive contacts"),
    "contacts_per_household": ("contacten per huishouden", "contacts per household"),
    "supportive_per_household": ("steunende contacten per huishouden", "supportive contacts per household"),
    "supportive_rose": ("meer steunende contacten", "more supportive contacts"),
    "supportive_same": ("evenveel steunende contacten", "as many supportive contacts"),
    "supportive_fell": ("minder steunende contacten", "fewer supportive contacts"),
    # involvement flows (issue 15)
    "followed": ("betrokken in de follow-up", "involved during the follow-up"),
    "engaged": ("nieuw betrokken na de intake", "newly engaged after the intake"),
    "left": ("vertrokken na de intake", "left after the intake"),
    "left_by_reason": ("vertrokken, per reden", "left, by reason"),
    "already_involved": ("al betrokken bij aanmelding", "already involved at referral"),
    "organisations": ("verschillende organisaties", "distinct organisations"), "ever": ("ooit", "ever"),
    "households_with_already_involved": ("huishoudens met al betrokken instanties bij aanmelding",
                                         "households with agencies already involved at referral"),
    "households_volunteers_took_over": ("huishoudens waar vrijwilligers professionele hulp overbodig maakten",
                                        "households where volunteers made professional help unnecessary"),
    "by_performer": ("per uitvoerder", "by performer"), "total": ("totaal", "total"),
    "added": ("toegevoegd", "added"), "done": ("gedaan", "done"), "cancelled": ("geannuleerd", "cancelled"),
    "open": ("open", "open"), "late": ("te laat", "late"),
    "n": ("n", "n"), "median": ("mediaan", "median"), "q1": ("1e kwartiel", "1st quartile"),
    "q3": ("3e kwartiel", "3rd quartile"), "min": ("minimum", "minimum"), "max": ("maximum", "maximum"),
    "on": ("peildatum", "report date"), "directors": ("regisseurs", "case directors"),
    "against_norm": ("tegen de norm", "against the norm"), "per_director": ("per regisseur", "per case director"),
    "organisation": ("organisatie", "organisation"), "by_phase": ("per fase", "by phase"), "norm": ("norm", "norm"),
    "norms": ("normen", "norms"), "recommended_min": ("aanbevolen minimum", "recommended minimum"),
    "recommended_max": ("aanbevolen maximum", "recommended maximum"),
    "most_complex": ("meest complexe casussen", "most complex cases"), "youth_work": ("jeugdhulp", "youth work"),
    "work_and_income": ("werk en inkomen", "work & income"),
    "participation_act_over": ("Participatiewet, meer dan", "Participation Act, over"),
    "fte_per_director": ("fte per regisseur (aangenomen)", "FTE per director (assumed)"),
    "households_with_baseline": ("huishoudens met nulmeting", "households with a baseline"),
    "households_with_intervention": ("huishoudens met kosten tijdens de aanpak",
                                     "households with costs during the approach"),
    "households_with_both": ("huishoudens met beide", "households with both"),
    "by_stream": ("per stroom", "by stream"), "total_per_year": ("totaal per jaar", "total per year"),
    "per_household_per_year": ("gemiddeld per huishouden per jaar", "mean per household per year"),
    "baseline_per_year": ("nulmeting per jaar", "baseline per year"),
    "approach_per_year": ("tijdens aanpak per jaar", "during the approach per year"),
}


class Words:
    """Labels in one language."""

    def __init__(self, lang: Lang) -> None:
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}")
        self.lang = lang
        self._i = 0 if lang == "nl" else 1

    def __call__(self, key: str, **values: object) -> str:
        text = _TEXT[key][self._i]
        return text.format(**values) if values else text

    def code(self, kind: str, code: str) -> str:
        pair = _CODES.get(kind, {}).get(code)
        return pair[self._i] if pair else code.replace("_", " ")

    def field(self, key: str) -> str:
        """A JSON key in words."""
        pair = _FIELDS.get(key)
        return pair[self._i] if pair else key.replace("_", " ")

    def domain(self, instrument: str, domain: str) -> str:
        """An instrument's domain in words (Dutch and English from the registry, ``ledger.aggregates.instruments``)."""
        matrix = INSTRUMENTS.get(instrument)
        return matrix.label(domain, self.lang) if matrix is not None and matrix.has(domain) else domain.replace("_", " ")

    def instrument(self, code: str) -> str:
        """An instrument's name: "ZRM 2017", "Participatieladder" / "Participation ladder", ..."""
        matrix = INSTRUMENTS.get(code)
        if matrix is None:
            return code.replace("_", " ")
        return matrix.en if self.lang == "en" else matrix.nl

    def number(self, value: float | int, decimals: int = 0) -> str:
        """A number with the language's separators (1.234,5 in Dutch; 1,234.5 in English)."""
        text = f"{value:,.{decimals}f}"
        if self.lang == "nl":
            text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
        return text


def words(lang: Lang) -> Words:
    return Words(lang)
