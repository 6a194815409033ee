// Charts for the reporting dashboards. They read the same GraphQL API as BI tools (/graphql/,
// with the signed-in session) and draw plain SVG. Every chart sits next to a table holding the
// same figures, so the SVG itself is hidden from screen readers. No inline script or style:
// the page's Content Security Policy allows neither.

const SVG = 'http://www.w3.org/2000/svg'
const PALETTE = ['#1d70b8', '#f47738', '#00703c', '#912b88', '#d4351c', '#5694ca', '#85994b', '#6f72af', '#b58840', '#28a197', '#f499be', '#003078', '#505a5f', '#b1b4b6']

function csrfToken () {
  const match = document.cookie.split('; ').find(part => part.startsWith('csrftoken='))
  return match ? decodeURIComponent(match.split('=')[1]) : ''
}

async function query (text, variables = {}) {
  const response = await fetch('/graphql/', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrfToken() },
    body: JSON.stringify({ query: text, variables })
  })
  const body = await response.json()
  if (!response.ok || body.errors) {
    throw new Error(body.errors ? body.errors.map(e => e.message).join(' ') : response.statusText)
  }
  return body.data
}

function el (name, attrs = {}, text) {
  const node = document.createElementNS(SVG, name)
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value)
  if (text !== undefined) node.textContent = text
  return node
}

// A school's name cut to fit its label column (about 7 pixels a character at 14px).
function shorten (name, pixels) {
  const room = Math.floor(pixels / 7.5)
  return name.length > room ? `${name.slice(0, room - 1)}…` : name
}

function format (value, kind) {
  if (value === null || value === undefined) return ''
  if (kind === 'percent') return `${Number(value).toFixed(1)}%`
  if (kind === 'money') return `£${Math.round(value).toLocaleString('en-GB')}`
  return String(value)
}

// Charts are drawn at the width they are shown, so their text is the page's size in any column.
function widthOf (figure) {
  const canvas = figure.querySelector('.reporting-chart__canvas')
  return Math.max(300, Math.round(canvas.getBoundingClientRect().width) || 640)
}

function svg (width, height) {
  return el('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'reporting-chart__svg', focusable: 'false' })
}

function place (figure, node) {
  const canvas = figure.querySelector('.reporting-chart__canvas')
  canvas.replaceChildren(node)
  figure.dataset.drawn = 'true'
}

function fail (figure, error) {
  const canvas = figure.querySelector('.reporting-chart__canvas')
  const note = document.createElement('p')
  note.className = 'govuk-body-s reporting-muted'
  note.textContent = `The chart could not be drawn (${error.message}). The table has the figures.`
  canvas.replaceChildren(note)
}

// One bar per school, with the benchmark of the school's phase as a band (quartiles) and a line (median).
async function compareChart (figure) {
  const metric = figure.dataset.metric
  const kind = figure.dataset.kind
  const phases = (figure.dataset.phases || '').split(' ').filter(Boolean)
  const benchmarks = phases.map(phase =>
    `b_${phase}: benchmark(phase: ${phase.toUpperCase()}, metric: $metric) { phase available lowerQuartile median upperQuartile }`
  ).join('\n')
  const data = await query(
    `query Compare($metric: Metric!) {
      compare(metric: $metric) { school { name phase } figure { value display suppressed available } }
      ${benchmarks}
    }`,
    { metric: metric.toUpperCase() }
  )
  const rows = data.compare
  const byPhase = {}
  for (const phase of phases) byPhase[phase] = data[`b_${phase}`]
  let top = 0
  for (const row of rows) top = Math.max(top, row.figure.value || 0)
  for (const b of Object.values(byPhase)) if (b && b.available) top = Math.max(top, b.upperQuartile || 0)
  top = top > 0 ? top * 1.1 : 1
  const width = widthOf(figure)
  const labelWidth = Math.min(200, Math.round(width * 0.38))
  const barArea = width - labelWidth - 70
  const rowHeight = 34
  const chart = svg(width, rows.length * rowHeight + 30)
  rows.forEach((row, index) => {
    const y = index * rowHeight + 6
    chart.append(el('text', { x: 0, y: y + 17, class: 'reporting-chart__label' }, shorten(row.school.name, labelWidth)))
    const b = byPhase[row.school.phase]
    if (b && b.available) {
      const x1 = labelWidth + (b.lowerQuartile / top) * barArea
      const x3 = labelWidth + (b.upperQuartile / top) * barArea
      chart.append(el('rect', { x: x1, y: y - 2, width: Math.max(x3 - x1, 1), height: 26, class: 'reporting-chart__band' }))
      const xm = labelWidth + (b.median / top) * barArea
      chart.append(el('line', { x1: xm, x2: xm, y1: y - 4, y2: y + 26, class: 'reporting-chart__median' }))
    }
    if (row.figure.value !== null) {
      const width = Math.max((row.figure.value / top) * barArea, 1)
      chart.append(el('rect', { x: labelWidth, y: y + 3, width, height: 16, class: 'reporting-chart__bar' }))
      chart.append(el('text', { x: labelWidth + width + 6, y: y + 16, class: 'reporting-chart__value' }, format(row.figure.value, kind)))
    } else {
      chart.append(el('text', { x: labelWidth, y: y + 16, class: 'reporting-chart__value reporting-chart__value--muted' }, row.figure.display))
    }
  })
  const legendY = rows.length * rowHeight + 22
  chart.append(el('rect', { x: labelWidth, y: legendY - 10, width: 14, height: 10, class: 'reporting-chart__band' }))
  chart.append(el('text', { x: labelWidth + 20, y: legendY, class: 'reporting-chart__legend' }, 'Benchmark: middle half of schools; line: median'))
  place(figure, chart)
}

// Each school's pupils on the register by primary need, as one bar of 100%.
async function needsChart (figure) {
  const data = await query(`{ schools { name figures { byPrimaryNeed { key label figure { value suppressed } } } } }`)
  const keys = []
  for (const school of data.schools) {
    for (const item of (school.figures ? school.figures.byPrimaryNeed : [])) {
      if (!keys.includes(item.key)) keys.push(item.key)
    }
  }
  keys.sort()
  const width = widthOf(figure)
  const labelWidth = Math.min(200, Math.round(width * 0.38))
  const barArea = width - labelWidth - 10
  const rowHeight = 30
  const perRow = Math.max(1, Math.floor(barArea / 90))
  const legendRows = Math.ceil(keys.length / perRow)
  const chart = svg(width, data.schools.length * rowHeight + legendRows * 20 + 20)
  data.schools.forEach((school, index) => {
    const y = index * rowHeight + 6
    chart.append(el('text', { x: 0, y: y + 15, class: 'reporting-chart__label' }, shorten(school.name, labelWidth)))
    const items = school.figures ? school.figures.byPrimaryNeed : []
    const shown = items.filter(item => item.figure.value !== null)
    const total = shown.reduce((sum, item) => sum + item.figure.value, 0)
    let x = labelWidth
    for (const item of shown) {
      if (!total || !item.figure.value) continue
      const width = (item.figure.value / total) * barArea
      chart.append(el('rect', { x, y, width, height: 20, fill: PALETTE[keys.indexOf(item.key) % PALETTE.length] }))
      x += width
    }
    if (!shown.length) chart.append(el('text', { x: labelWidth, y: y + 15, class: 'reporting-chart__value reporting-chart__value--muted' }, 'No figures to show'))
  })
  const base = data.schools.length * rowHeight + 16
  keys.forEach((key, index) => {
    const x = labelWidth + (index % perRow) * 90
    const y = base + Math.floor(index / perRow) * 20
    chart.append(el('rect', { x, y: y - 10, width: 12, height: 12, fill: PALETTE[index % PALETTE.length] }))
    chart.append(el('text', { x: x + 16, y, class: 'reporting-chart__legend' }, key.toUpperCase()))
  })
  place(figure, chart)
}

// The LA's EHC timeliness over the last year: three lines of % on time.
async function timelinessChart (figure) {
  const data = await query(`{ ehcTimeliness(months: 12) {
    month
    decisionsWithin6WeeksRate { value }
    plansWithin20WeeksRate { value }
    annualReviewsWithin4WeeksRate { value }
  } }`)
  const months = data.ehcTimeliness
  const width = widthOf(figure)
  const chart = svg(width, 260)
  const left = 40
  const right = width - 10
  const top = 10
  const bottom = 200
  for (const tick of [0, 25, 50, 75, 100]) {
    const y = bottom - (tick / 100) * (bottom - top)
    chart.append(el('line', { x1: left, x2: right, y1: y, y2: y, class: 'reporting-chart__grid' }))
    chart.append(el('text', { x: 0, y: y + 4, class: 'reporting-chart__legend' }, `${tick}%`))
  }
  const step = months.length > 1 ? (right - left) / (months.length - 1) : 0
  months.forEach((month, index) => {
    const label = new Date(month.month).toLocaleDateString('en-GB', { month: 'short' })
    chart.append(el('text', { x: left + index * step - 10, y: bottom + 16, class: 'reporting-chart__legend' }, label))
  })
  const series = [
    ['decisionsWithin6WeeksRate', 'Decisions within 6 weeks'],
    ['plansWithin20WeeksRate', 'Plans within 20 weeks'],
    ['annualReviewsWithin4WeeksRate', 'Annual reviews within 4 weeks']
  ]
  series.forEach(([field, label], s) => {
    let d = ''
    let pen = false
    months.forEach((month, index) => {
      const value = month[field].value
      if (value === null) { pen = false; return }
      const x = left + index * step
      const y = bottom - (value / 100) * (bottom - top)
      d += `${pen ? 'L' : 'M'}${x.toFixed(1)},${y.toFixed(1)} `
      pen = true
      chart.append(el('circle', { cx: x, cy: y, r: 3, fill: PALETTE[s] }))
    })
    if (d) chart.append(el('path', { d: d.trim(), stroke: PALETTE[s], fill: 'none', 'stroke-width': 2 }))
    const legendStep = Math.floor((right - left) / series.length)
    chart.append(el('rect', { x: left + s * legendStep, y: 236, width: 12, height: 12, fill: PALETTE[s] }))
    chart.append(el('text', { x: left + s * legendStep + 16, y: 246, class: 'reporting-chart__legend' }, label))
  })
  if (!months.length) chart.append(el('text', { x: left, y: 100, class: 'reporting-chart__value reporting-chart__value--muted' }, 'No EHC casework figures yet'))
  place(figure, chart)
}

const CHARTS = { compare: compareChart, needs: needsChart, timeliness: timelinessChart }

for (const figure of document.querySelectorAll('[data-chart]')) {
  const draw = CHARTS[figure.dataset.chart]
  if (draw) draw(figure).catch(error => fail(figure, error))
}
