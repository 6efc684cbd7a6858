// The HTML report: one self-contained page. The report travels as JSON in a
// <script type="application/json"> element (every string once, in a table: a host of a hundred
// containers repeats the same evidence thousands of times) and the page's script builds only what
// is on screen: the summary of the worst, then the checks with findings (their subjects built
// when a check is unfolded), a subject's view when one is clicked, and the passes and skips when
// asked for. Every text reaches the DOM through textContent, never as markup.

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>

#include "drydock/render/findings.hpp"
#include "drydock/render/render.hpp"
#include "drydock/render/utf8.hpp"

namespace drydock::render {
namespace {

using Json = nlohmann::json;

/// Every distinct string once; results refer to them by index.
class Strings {
 public:
  int operator()(std::string_view s) {
    auto [it, added] = m_index.try_emplace(std::string(s), static_cast<int>(m_list.size()));
    if (added) m_list.emplace_back(s);
    return it->second;
  }
  [[nodiscard]] const std::vector<std::string>& list() const { return m_list; }

 private:
  std::unordered_map<std::string, int> m_index;
  std::vector<std::string> m_list;
};

/// The data the page's script reads, as compact JSON: the markup-significant '<' and '>' are
/// written as \u003c and \u003e so that no text can close the script element.
std::string data_json(const audit::Report& report) {
  Strings str;
  Json checks = Json::array();
  std::map<const checks::Check*, int> check_index;
  Json subjects = Json::array();
  // A subject is known by its host too: "web" on two hosts is two subjects.
  const bool several_hosts = report.hosts.size() > 1;
  std::map<std::tuple<std::string_view, std::string_view, std::string_view, std::size_t>, int> subject_index;
  auto subject_of = [&](const audit::Subject& s, std::size_t host) {
    if (!several_hosts) host = 0;
    auto [it, added] = subject_index.try_emplace(std::make_tuple(std::string_view(s.kind), std::string_view(s.id),
                                                                 std::string_view(s.name), host),
                                                 static_cast<int>(subjects.size()));
    if (added) {
      Json row = Json::array({str(s.kind), str(audit::subject_label(s)), str(s.id)});
      if (several_hosts) row.push_back(host);
      subjects.push_back(std::move(row));
    }
    return it->second;
  };
  Json results = Json::array();
  for (const auto& r : report.results) {
    auto [it, added] = check_index.try_emplace(r.check, static_cast<int>(checks.size()));
    if (added) {
      const auto& c = *r.check;
      checks.push_back(Json::array({std::string(c.id), std::string(c.cis), std::string(c.title),
                                    static_cast<int>(c.severity), std::string(c.remediation), section_heading(section_of(c))}));
    }
    Json row = Json::array({it->second, subject_of(*r.subject, r.host), static_cast<int>(r.finding.status),
                            static_cast<int>(r.severity()), str(evidence_text(r))});
    const bool located = r.finding.location && !r.finding.location->file.empty();
    if (located || r.accepted) row.push_back(located ? str(location_text(*r.finding.location)) : -1);
    if (r.accepted) {
      row.push_back(str(r.accepted->expires.empty() ? "Accepted: " + r.accepted->reason
                                                    : "Accepted until " + r.accepted->expires + ": " + r.accepted->reason));
    }
    results.push_back(std::move(row));
  }
  Json facts = Json::object();
  for (const auto& f : report.facts) {
    Json list = Json::array();
    for (const auto& [label, value] : f.facts)
      list.push_back(Json::array({str(label), str(value)}));
    facts[std::to_string(subject_of(f.subject, 0))] = std::move(list);
  }
  Json hosts = Json::array();
  for (const auto& h : report.hosts)
    hosts.push_back(Json::array({h.name, h.engine_version, h.os}));
  Json doc = {{"command", report.command},
              {"target", report.target},
              {"accepted", report.accepted()},
              {"baseline_hidden", report.baseline_hidden},
              {"strings", str.list()},
              {"checks", std::move(checks)},
              {"subjects", std::move(subjects)},
              {"results", std::move(results)},
              {"facts", std::move(facts)},
              {"hosts", std::move(hosts)}};
  const std::string text = doc.dump(-1, ' ', false, Json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size() + text.size() / 64);
  for (char c : text) {
    if (c == '<')
      out += "\\u003c";
    else if (c == '>')
      out += "\\u003e";
    else
      out += c;
  }
  return out;
}

constexpr std::string_view k_style = R"CSS(
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
header{background:#14212b;color:#fff;padding:12px 20px}
header h1{font-size:18px;margin:0}
header p{margin:2px 0 0;color:#c5d0d8}
main{padding:8px 20px 40px;max-width:1200px}
h2{font-size:16px;margin:18px 0 6px}
.cards{display:flex;gap:8px;flex-wrap:wrap}
.card{background:#fff;border:1px solid #d8dde3;border-radius:6px;padding:6px 12px;min-width:80px}
.card b{display:block;font-size:20px}
table{border-collapse:collapse;width:100%;background:#fff}
td,th{border-bottom:1px solid #e3e7eb;padding:3px 8px;text-align:left;vertical-align:top}
.sev{font-weight:600;text-transform:uppercase;font-size:11px;padding:1px 5px;border-radius:3px;color:#fff;background:#6b7785}
.sev-4{background:#b3001b}.sev-3{background:#d9480f}.sev-2{background:#b08900}.sev-1{background:#5c7cfa}.sev-0{background:#868e96}
details.check{background:#fff;border:1px solid #d8dde3;border-radius:6px;margin:4px 0}
details.check>summary{cursor:pointer;padding:6px 10px}
details.check>div{padding:0 10px 8px}
.subject{color:#0b5cad;cursor:pointer;text-decoration:underline;background:none;border:0;padding:0;font:inherit}
.muted{color:#6b7785}
code{font-size:12px;background:#eef1f4;padding:0 3px;border-radius:3px}
#filters{display:flex;gap:12px;align-items:center;flex-wrap:wrap;background:#fff;border:1px solid #d8dde3;border-radius:6px;padding:6px 10px}
#subject-view{background:#fff;border:2px solid #0b5cad;border-radius:6px;padding:8px 12px;margin-top:12px}
.st{font-size:11px;font-weight:600;text-transform:uppercase}
button.more{margin:6px 0}
)CSS";

// The page's script. D is the data; nothing is built before it is needed.
constexpr std::string_view k_script = R"JS(
(function(){
'use strict';
var mark=document.getElementById('drydock-js');
window.addEventListener('error',function(){mark.setAttribute('data-state','error');});
var D=JSON.parse(document.getElementById('drydock-data').textContent);
var S=D.strings, STATUS=['pass','fail','warn','info','skip','error'], SEV=['info','low','medium','high','critical'];
var WEIGHT=[0,1,3,10,40];
function el(tag,cls,text){var e=document.createElement(tag);if(cls)e.className=cls;if(text!==undefined)e.textContent=text;return e;}
function res(i){var r=D.results[i];return {i:i,check:D.checks[r[0]],subject:r[1],status:r[2],sev:r[3],evidence:S[r[4]],
  loc:(r.length>5&&r[5]>=0)?S[r[5]]:'',accepted:r.length>6?S[r[6]]:''};}
function isFinding(i){var r=D.results[i];return (r[2]===1||r[2]===2)&&r.length<7;}
function subjectName(k){var s=D.subjects[k];return S[s[0]]+' '+S[s[1]]+(s.length>3?' on '+D.hosts[s[3]][0]:'');}
function hostOf(i){var s=D.subjects[D.results[i][1]];return s.length>3?s[3]:0;}
function sevBadge(s){return el('span','sev sev-'+s,SEV[s]);}
function subjectLink(k){var b=el('button','subject',subjectName(k));b.setAttribute('data-subject',k);
  b.addEventListener('click',function(){showSubject(k);});return b;}
// Findings by check, worst first; scores by subject.
var byCheck={},order=[],score={},counts=[0,0,0,0,0],status=[0,0,0,0,0,0];
for(var i=0;i<D.results.length;i++){var r=D.results[i];status[r[2]]++;
  if(!isFinding(i))continue;counts[r[3]]++;
  if(!byCheck[r[0]]){byCheck[r[0]]={check:r[0],worst:r[3],items:[]};order.push(byCheck[r[0]]);}
  var g=byCheck[r[0]];g.items.push(i);if(r[3]>g.worst)g.worst=r[3];
  score[r[1]]=(score[r[1]]||0)+WEIGHT[r[3]];}
function cisKey(c){return (c||'~').split('.').map(function(p){return ('0000'+p).slice(-4);}).join('.');}
order.sort(function(a,b){if(a.worst!==b.worst)return b.worst-a.worst;var x=cisKey(D.checks[a.check][1]),y=cisKey(D.checks[b.check][1]);
  return x<y?-1:x>y?1:a.check-b.check;});
order.forEach(function(g){g.items.sort(function(a,b){return D.results[b][3]-D.results[a][3]||a-b;});});
// Summary: the counts, the critical and high findings, the subjects with the most severe findings.
var sum=document.getElementById('summary');
var cards=el('div','cards');
for(var s=4;s>=0;s--){var c=el('div','card');c.appendChild(el('b','',String(counts[s])));c.appendChild(sevBadge(s));cards.appendChild(c);}
var ce=el('div','card');ce.appendChild(el('b','',String(status[5])));ce.appendChild(el('span','st','could not evaluate'));cards.appendChild(ce);
sum.appendChild(cards);
var total=counts.reduce(function(a,b){return a+b;},0);
sum.appendChild(el('p','',D.results.length+' results: '+total+' finding'+(total===1?'':'s')+' to act on'+
  (D.accepted?', '+D.accepted+' accepted by the policy':'')+(D.baseline_hidden?', '+D.baseline_hidden+' already in the baseline':'')+
  '; '+status[0]+' pass, '+status[4]+' skip, '+status[3]+' manual, '+status[5]+' error.'));
// Several hosts: one row each, its findings by severity and its errors.
if(D.hosts.length>1){sum.appendChild(el('h2','','Hosts'));var th=el('table');th.id='hosts';
  var hh=el('tr');['host','engine','OS','findings','could not evaluate'].forEach(function(h){hh.appendChild(el('th','',h));});th.appendChild(hh);
  D.hosts.forEach(function(h,k){var n=[0,0,0,0,0],e=0;for(var i=0;i<D.results.length;i++){if(hostOf(i)!==k)continue;
      if(isFinding(i))n[D.results[i][3]]++;if(D.results[i][2]===5)e++;}
    var parts=[];for(var s=4;s>=0;s--)if(n[s])parts.push(n[s]+' '+SEV[s]);
    var tr=el('tr');tr.setAttribute('data-host',h[0]);[h[0],h[1]||'-',h[2]||'-',parts.join(', ')||'none',String(e)].forEach(function(v){tr.appendChild(el('td','',v));});
    th.appendChild(tr);});
  sum.appendChild(th);}
var worst=[];order.forEach(function(g){g.items.forEach(function(i){if(D.results[i][3]>=3)worst.push(i);});});
worst.sort(function(a,b){return D.results[b][3]-D.results[a][3];});
if(worst.length){sum.appendChild(el('h2','','Critical and high findings'));var t=el('table');t.id='worst-findings';
  worst.slice(0,15).forEach(function(i){var x=res(i),tr=el('tr');var a=el('td');a.appendChild(sevBadge(x.sev));tr.appendChild(a);
    tr.appendChild(el('td','',x.check[2]));var b=el('td');b.appendChild(subjectLink(x.subject));tr.appendChild(b);
    tr.appendChild(el('td','',x.evidence));t.appendChild(tr);});
  sum.appendChild(t);if(worst.length>15)sum.appendChild(el('p','muted','and '+(worst.length-15)+' more below'));}
var ranked=Object.keys(score).map(Number).filter(function(k){return score[k]>0;}).sort(function(a,b){return score[b]-score[a]||a-b;});
if(ranked.length){sum.appendChild(el('h2','','Subjects with the most severe findings'));var t2=el('table');t2.id='worst-subjects';
  var hr=el('tr');['score','subject','findings'].forEach(function(h){hr.appendChild(el('th','',h));});t2.appendChild(hr);
  ranked.slice(0,10).forEach(function(k){var tr=el('tr');tr.appendChild(el('td','',String(score[k])));var b=el('td');b.appendChild(subjectLink(k));
    tr.appendChild(b);var n=[0,0,0,0,0];order.forEach(function(g){g.items.forEach(function(i){if(D.results[i][1]===k)n[D.results[i][3]]++;});});
    var parts=[];for(var s=4;s>=0;s--)if(n[s])parts.push(n[s]+' '+SEV[s]);tr.appendChild(el('td','',parts.join(', ')));t2.appendChild(tr);});
  sum.appendChild(t2);}
// Findings grouped by check; subjects folded, built when unfolded; filtered by severity and subject.
var list=document.getElementById('checks');
var filt={sev:[true,true,true,true,true],text:'',host:-1};
function matches(i){var r=D.results[i];return filt.sev[r[3]]&&(filt.host<0||hostOf(i)===filt.host)&&
  (!filt.text||subjectName(r[1]).toLowerCase().indexOf(filt.text)>=0);}
function fill(det,g){var box=det.querySelector('div');box.textContent='';var c=D.checks[g.check];
  var t=el('table');g.items.filter(matches).forEach(function(i){var x=res(i),tr=el('tr','finding');tr.appendChild(el('td','',SEV[x.sev]));
    var a=el('td');a.appendChild(subjectLink(x.subject));tr.appendChild(a);var e=el('td','',(x.status===2?'warn: ':'')+x.evidence);
    if(x.loc){e.appendChild(document.createTextNode(' '));e.appendChild(el('code','',x.loc));}tr.appendChild(e);t.appendChild(tr);});
  box.appendChild(t);box.appendChild(el('p','muted','Remediation: '+c[4]));}
function renderChecks(){list.textContent='';var shown=0;
  order.forEach(function(g){var n=g.items.filter(matches).length;if(!n)return;shown++;var c=D.checks[g.check];
    var det=el('details','check');det.setAttribute('data-check',c[0]);var sm=el('summary');sm.appendChild(sevBadge(g.worst));
    sm.appendChild(document.createTextNode(' '+(c[1]||'-')+' '+c[2]+' '));sm.appendChild(el('span','muted','['+c[0]+'] '+n+' subject'+(n===1?'':'s')));
    det.appendChild(sm);det.appendChild(el('div'));det.addEventListener('toggle',function(){if(det.open)fill(det,g);});list.appendChild(det);});
  if(!shown)list.appendChild(el('p','muted',order.length?'No finding matches the filters.':'No findings.'));
  document.getElementById('shown').textContent=shown+' of '+order.length+' checks with findings';}
var fs=document.getElementById('filters');
for(var s2=4;s2>=0;s2--){(function(s){var l=el('label');var cb=el('input');cb.type='checkbox';cb.checked=true;cb.name='sev-'+SEV[s];
  cb.addEventListener('change',function(){filt.sev[s]=cb.checked;renderChecks();});l.appendChild(cb);l.appendChild(document.createTextNode(' '+SEV[s]));fs.appendChild(l);})(s2);}
var q=el('input');q.type='search';q.id='subject-filter';q.placeholder='subject contains…';
q.addEventListener('input',function(){filt.text=q.value.toLowerCase();renderChecks();});fs.appendChild(q);
if(D.hosts.length>1){var hs=el('select');hs.id='host-filter';hs.appendChild(el('option','','every host')).value='-1';
  D.hosts.forEach(function(h,k){hs.appendChild(el('option','',h[0])).value=String(k);});
  hs.addEventListener('change',function(){filt.host=Number(hs.value);renderChecks();});fs.appendChild(hs);}
fs.appendChild(el('span','muted')).id='shown';
renderChecks();
// One subject: its facts and every result, findings first.
function showSubject(k){var v=document.getElementById('subject-view');v.hidden=false;v.textContent='';
  v.appendChild(el('h2','',subjectName(k)));var id=S[D.subjects[k][2]];if(id)v.appendChild(el('p','muted',id));
  var f=D.facts[k];if(f){var ft=el('table','facts');f.forEach(function(p){var tr=el('tr');tr.appendChild(el('th','',S[p[0]]));tr.appendChild(el('td','',S[p[1]]));ft.appendChild(tr);});v.appendChild(ft);}
  var mine=[];for(var i=0;i<D.results.length;i++)if(D.results[i][1]===k)mine.push(i);
  var rank=function(i){var r=D.results[i];return isFinding(i)?10+r[3]:r[2]===5?5:r[2]===3?4:0;};
  mine.sort(function(a,b){return rank(b)-rank(a)||a-b;});
  var t=el('table','subject-results');mine.forEach(function(i){var x=res(i),tr=el('tr');tr.appendChild(el('td','st',STATUS[x.status]));
    tr.appendChild(el('td','',isFinding(i)?SEV[x.sev]:''));tr.appendChild(el('td','',x.check[2]));
    tr.appendChild(el('td','',x.evidence+(x.loc?' ('+x.loc+')':'')+(x.accepted?' — '+x.accepted:'')));t.appendChild(tr);});
  v.appendChild(t);v.scrollIntoView();}
// Everything else (passes, skips, manual controls, errors, accepted findings), a page at a time.
var all=document.getElementById('all-results');var allShown=0;
function more(){var box=document.getElementById('all-list');var t=box.querySelector('table');
  var stop=Math.min(D.results.length,allShown+500);for(;allShown<stop;allShown++){var x=res(allShown),tr=el('tr');
    tr.appendChild(el('td','st',STATUS[x.status]+(x.accepted?' (accepted)':'')));tr.appendChild(el('td','',(x.check[1]||'-')+' '+x.check[2]));
    var a=el('td');a.appendChild(subjectLink(x.subject));tr.appendChild(a);tr.appendChild(el('td','',x.evidence+(x.loc?' ('+x.loc+')':'')));t.appendChild(tr);}
  document.getElementById('all-more').hidden=allShown>=D.results.length;}
all.addEventListener('toggle',function(){if(all.open&&allShown===0)more();});
document.getElementById('all-more').addEventListener('click',more);
mark.setAttribute('data-state','ok');
})();
)JS";

}  // namespace

std::string html(const audit::Report& report) {
  std::string out;
  const std::string title =
      report.target.empty() ? std::string("drydock report") : fmt::format("drydock {}: {}", report.command, report.target);
  auto esc = [](std::string_view s) {
    std::string o;
    append_escaped(o, s, "\xEF\xBF\xBD", [](std::string& to, unsigned char c) {
      switch (c) {
        case '&':
          to += "&amp;";
          break;
        case '<':
          to += "&lt;";
          break;
        case '>':
          to += "&gt;";
          break;
        case '"':
          to += "&quot;";
          break;
        case '\'':
          to += "&#39;";
          break;
        default:
          to += (c < 0x20 || c == 0x7F) ? std::string("\xEF\xBF\xBD") : std::string(1, static_cast<char>(c));
      }
    });
    return o;
  };
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
         "script-src 'unsafe-inline'\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += fmt::format("<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n", esc(title), k_style);
  out += fmt::format("<header><h1>{}</h1><p id=\"drydock-js\" data-state=\"pending\">drydock.report/v1 · findings first, "
                     "worst first (this page needs JavaScript)</p></header>\n<main>\n",
                     esc(title));
  out += "<section id=\"summary\"></section>\n";
  out += "<h2>Findings by check</h2>\n<div id=\"filters\"></div>\n<section id=\"checks\"></section>\n";
  out += "<section id=\"subject-view\" hidden></section>\n";
  out += "<h2>Every result</h2>\n<details id=\"all-results\"><summary>Passes, skips, manual controls, errors and accepted "
         "findings: every result</summary><div id=\"all-list\"><table></table></div>"
         "<button id=\"all-more\" class=\"more\" hidden>more</button></details>\n";
  out += "</main>\n<script type=\"application/json\" id=\"drydock-data\">";
  out += data_json(report);
  out += "</script>\n<script>";
  out += k_script;
  out += "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace drydock::render
