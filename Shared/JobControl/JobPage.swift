/// The control page at `GET /`: one self-contained HTML document (no CDN; inline CSS and
/// script) with Start, Pause, Stop and Open Logs per job and for all, showing `GET /job/status`
/// refreshed every second. Writes send the bearer token typed into the page, kept in the
/// browser's local storage.
enum JobPage {
    static func html(jobs: [String]) -> String {
        let names = jobs.map { "\"\($0)\"" }.joined(separator: ",")
        return head + "<script>const JOBS=[\(names)];\n" + script + "</script></body></html>\n"
    }

    private static let head = """
    <!doctype html>
    <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
    <title>LeafSync jobs</title><link rel="icon" href="data:,">
    <style>
    body{font:15px/1.45 system-ui,sans-serif;margin:0;background:#f4f6f3;color:#1d2a1f}
    header{background:#2f5d34;color:#fff;padding:14px 24px;display:flex;align-items:center;gap:18px;flex-wrap:wrap}
    header h1{font-size:20px;margin:0;font-weight:600}
    header label{margin-left:auto;font-size:13px}
    header input{font:inherit;padding:3px 6px;border-radius:4px;border:0;width:180px}
    main{padding:18px 24px;max-width:1100px}
    section{background:#fff;border:1px solid #d5ddd3;border-radius:8px;padding:14px 18px;margin-bottom:16px}
    .bar{display:flex;align-items:center;gap:10px;flex-wrap:wrap}
    .bar h2{font-size:17px;margin:0 8px 0 0;min-width:110px}
    button{font:inherit;padding:5px 14px;border-radius:5px;border:1px solid #9aa99a;background:#fff;cursor:pointer}
    button:hover{background:#eef3ec}
    button.start{border-color:#2f7d3a;color:#1f6a2b}button.pause{border-color:#b8860b;color:#8a6508}
    button.stop{border-color:#b3261e;color:#9b1f18}
    .state{font-weight:600;padding:2px 10px;border-radius:12px;font-size:13px;text-transform:uppercase;letter-spacing:.04em}
    .running{background:#d8f0da;color:#1f6a2b}.paused{background:#fbeec8;color:#7a5a06}.stopped{background:#f6d9d6;color:#8f1d16}
    table{border-collapse:collapse;width:100%;margin-top:10px;font-size:14px;table-layout:fixed}
    col.name{width:17%}col.n{width:8%}col.last{width:41%}col.next{width:10%}
    th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e6ebe4;vertical-align:top;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
    th{color:#56645a;font-weight:600;font-size:12px;text-transform:uppercase}
    th:nth-child(n+2):not(:nth-child(6)){text-align:right}
    td.num{text-align:right;font-variant-numeric:tabular-nums}
    .failure{color:#9b1f18}.success{color:#1f6a2b}
    #message{min-height:1.4em;color:#9b1f18;margin:0 0 10px}
    #updated{font-size:12px;color:#dfe9dd}
    </style></head><body>
    <header><h1>LeafSync jobs</h1><span id="updated">loading…</span>
    <label>API token <input id="token" type="password" autocomplete="off" placeholder="only if required"></label></header>
    <main><p id="message" role="status"></p>
    <section><div class="bar"><h2>All jobs</h2>
    <button class="start" data-command="start" data-job="">Start</button>
    <button class="pause" data-command="pause" data-job="">Pause</button>
    <button class="stop" data-command="stop" data-job="">Stop</button>
    <button data-logs="">Open Logs</button></div></section>
    <div id="jobs"></div></main>

    """

    private static let script = """
    const token=document.getElementById('token');token.value=localStorage.getItem('leafsync.token')||'';
    token.addEventListener('change',()=>localStorage.setItem('leafsync.token',token.value));
    const q=j=>j?'?job='+encodeURIComponent(j):'';
    function el(tag,attrs,text){const e=document.createElement(tag);Object.assign(e,attrs||{});if(text!==undefined)e.textContent=text;return e;}
    function secs(s){if(s===null)return '–';if(s<90)return s.toFixed(1)+' s';if(s<5400)return (s/60).toFixed(1)+' min';return (s/3600).toFixed(1)+' h';}
    function jobSection(name){
      const s=el('section',{id:'job-'+name});const bar=el('div',{className:'bar'});
      bar.append(el('h2',{},name),el('span',{className:'state',id:'state-'+name},'…'));
      for(const [c,l] of [['start','Start'],['pause','Pause'],['stop','Stop']]){const b=el('button',{className:c},l);b.dataset.command=c;b.dataset.job=name;bar.append(b);}
      const logs=el('button',{},'Open Logs');logs.dataset.logs=name;bar.append(logs);
      const t=el('table');t.innerHTML='<colgroup><col class=name><col class=n><col class=n><col class=n><col class=n><col class=last><col class=next></colgroup><thead><tr><th>Task</th><th>Every</th><th>Runs</th><th>Failures</th><th>Stopped</th><th>Last run</th><th>Next run in</th></tr></thead>';
      t.append(el('tbody',{id:'tasks-'+name}));s.append(bar,t);return s;}
    const container=document.getElementById('jobs');for(const j of JOBS)container.append(jobSection(j));
    function render(status){
      for(const job of status.jobs){
        const st=document.getElementById('state-'+job.name);st.textContent=job.state;st.className='state '+job.state;
        const body=document.getElementById('tasks-'+job.name);body.replaceChildren();
        for(const t of job.tasks){
          const tr=el('tr');tr.append(el('td',{},t.name),el('td',{className:'num'},secs(t.interval_seconds)),
            el('td',{className:'num'},t.runs),el('td',{className:'num'},t.failures),el('td',{className:'num'},t.stopped));
          const last=t.in_flight?el('td',{},'running now'):t.last_run?el('td',{className:t.last_run.outcome},t.last_run.outcome+': '+t.last_run.summary):el('td',{},'–');
          const next=secs(t.next_run_in_seconds)+(job.state==='paused'&&t.next_run_in_seconds!==null?' (held)':'');
          tr.append(last,el('td',{className:'num'},next));body.append(tr);}
      }
      document.getElementById('updated').textContent='updated '+new Date().toLocaleTimeString();}
    async function refresh(){try{const r=await fetch('job/status');if(r.ok)render(await r.json());}catch(e){document.getElementById('updated').textContent='service unreachable';}}
    async function command(c,job){
      const headers={};if(token.value)headers['Authorization']='Bearer '+token.value;
      const msg=document.getElementById('message');
      try{const r=await fetch('job/'+c+q(job),{method:'POST',headers});
        if(r.ok){msg.textContent='';render(await r.json());}
        else{const b=await r.json().catch(()=>({}));msg.textContent=r.status+': '+(b.detail||r.statusText);}}
      catch(e){msg.textContent='request failed: '+e;}}
    document.addEventListener('click',e=>{const b=e.target.closest('button');if(!b)return;
      if(b.dataset.command)command(b.dataset.command,b.dataset.job);
      else if(b.dataset.logs!==undefined)window.open('job/logs'+(b.dataset.logs?q(b.dataset.logs)+'&':'?')+'format=text','_blank');});
    refresh();setInterval(refresh,1000);

    """
}
