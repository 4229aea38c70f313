/**
 * Inline rule sets modelled on the bodies that use each §4 pattern, shared by
 * the pattern tests and the property tests.
 */
export const S = 'sources: [S-T-1], confidence: high';

export const CARDS = `
body: { id: card, name: Card body }
credentials:
  - id: card.cpr
    name: CPR AED card
    kind: card
    covers: [adult-cpr, aed]
    handsOn: true
    validity: { months: 24, anchor: end-of-month, ${S} }
`;

export const ETHICS = `
body: { id: eth, name: Ethics body, providerNames: [ETH] }
credentials:
  - id: eth.cpt
    name: Ethics CPT
    kind: certification
    unit: { code: CEC, name: credit, perHour: "0.1", ${S} }
    policies:
      - version: "2019"
        effectiveFrom: 2019-01-01
        effectiveTo: 2023-09-12
        cycle: { anchor: end-of-month, months: 24, ${S} }
        requirements:
          - { kind: total, units: "2.0", ${S} }
          - { kind: no-repeat, ${S} }
          - { kind: accept, from: ["eth.*"], ${S} }
          - { kind: cap, units: "2.0", per: completion, where: { activityType: college }, ${S} }
        lateRenewal: { graceMonths: 6, ${S} }
      - version: "2023"
        effectiveFrom: 2023-09-13
        cycle: { anchor: end-of-month, months: 24, ${S} }
        topics: [{ code: ethics, name: professional conduct and ethics }]
        requirements:
          - { kind: total, units: "2.0", ${S} }
          - { kind: minimum, units: "0.1", where: { topic: ethics }, ${S} }
          - { kind: no-repeat, ${S} }
          - { kind: accept, from: ["eth.*"], ${S} }
          - { kind: cap, units: "2.0", per: completion, where: { activityType: college }, ${S} }
        lateRenewal: { graceMonths: 6, ${S} }
  - id: eth.gfi
    name: Ethics GFI
    kind: certification
    unit: { code: CEC, name: credit, ${S} }
    policies:
      - version: "2023"
        effectiveFrom: 2019-01-01
        cycle: { anchor: end-of-month, months: 24, ${S} }
        requirements:
          - { kind: total, units: "2.0", ${S} }
          - { kind: accept, from: ["eth.*"], ${S} }
`;

export const CATEGORIES = `
body: { id: cat, name: Category body }
credentials:
  - id: cat.cscs
    name: Category CSCS
    kind: certification
    unit: { code: CEU, name: unit, ${S} }
    policies:
      - version: "2024"
        effectiveFrom: 2018-01-01
        cycle: { anchor: fixed-period, firstPeriodStart: 2018-01-01, months: 36, ${S} }
        categories:
          - { code: A, name: Attendance }
          - { code: B, name: Share your expertise }
          - { code: C, name: Educational activities }
          - { code: D, name: Quizzes }
        requirements:
          - { kind: total, units: "6.0", when: { earnedMonthsIntoCycle: { to: 0 } }, ${S} }
          - { kind: total, units: "4.0", when: { earnedMonthsIntoCycle: { from: 0, to: 12 } }, ${S} }
          - { kind: total, units: "2.0", when: { earnedMonthsIntoCycle: { from: 12, to: 24 } }, ${S} }
          - { kind: total, units: "1.0", when: { earnedMonthsIntoCycle: { from: 24, to: 30 } }, ${S} }
          - { kind: total, units: "0", when: { earnedMonthsIntoCycle: { from: 30 } }, ${S} }
          - { kind: cap, units: "5.5", where: { category: A }, when: { earnedMonthsIntoCycle: { to: 0 } }, ${S} }
          - { kind: cap, units: "4.0", where: { category: B }, when: { earnedMonthsIntoCycle: { to: 0 } }, ${S} }
          - { kind: cap, units: "2.0", per: event, where: { category: A }, ${S} }
          - { kind: min-categories, count: 2, ${S} }
          - { kind: college-credit, perSemesterHour: "0.5", perQuarterHour: "0.3", ${S} }
`;

export const YEARLY = `
body: { id: yr, name: Year-end body }
credentials:
  - id: yr.ep
    name: Year-end EP
    kind: certification
    unit: { code: CEC, name: credit, perHour: "1", ${S} }
    policies:
      - version: "2023"
        effectiveFrom: 2015-01-01
        cycle: { anchor: year-end, years: 3, ${S} }
        requirements:
          - { kind: total, units: "45", ${S} }
          - { kind: cap, units: "8", per: year, where: { activityType: volunteering }, ${S} }
          - { kind: cap, units: "24", per: cycle, where: { activityType: volunteering }, ${S} }
        lateRenewal:
          graceMonths: 6
          afterLapse: reinstate
          bands: [{ fromDay: 1, toDay: 182, fee: 80, ${S} }]
          reinstatement: { fee: 165, newCycleFromApproval: true, maxLapseMonths: 36, ${S} }
          ${S.replace(', ', '\n          ')}
`;

export const CONVERT = `
body: { id: conv, name: Conversion body, providerNames: [CONV] }
credentials:
  - id: conv.pt
    name: Conversion PT
    kind: certification
    unit: { code: CEC, name: credit, perHour: "1", ${S} }
    policies:
      - version: "1"
        effectiveFrom: 2000-01-01
        cycle: { anchor: rolling, months: 24, ${S} }
        requirements:
          - { kind: total, units: "20", ${S} }
          - { kind: minimum, units: "6", where: { provider: CONV }, label: "the body's own courses", ${S} }
          - { kind: accept, from: ["eth.*"], factor: "10", ${S} }
          - { kind: card, checkOn: submission, validDaysAfterCheck: 30, ${S} }
        fees:
          - { kind: renewal, amount: 99, ${S} }
          - { kind: renewal, amount: 0, condition: all-credits-from-own-provider, ${S} }
  - id: conv.annual
    name: Annual renewal
    kind: certification
    unit: { code: CEC, name: credit, ${S} }
    policies:
      - version: "1"
        effectiveFrom: 2000-01-01
        cycle: { anchor: rolling, months: 12, ${S} }
        requirements:
          - { kind: total, units: "2.0", when: { cycleIndexFrom: 1 }, ${S} }
          - { kind: accept-hours, unitsPerHour: "0.1", ${S} }
`;
