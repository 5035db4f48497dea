// The status page of 'declutter serve' (docs/serve.md#status-page). It asks for an API token, keeps it in this tab's
// session storage (never in the URL), and polls the JSON API (/api/v1) every two seconds with
// 'Authorization: Bearer <token>'. What it shows and which buttons it offers follow the token's role (GET whoami):
// viewer: none; operator: trigger and stop; admin: also rollback. The server checks every call again.
(function () {
  'use strict';

  var API = '/api/v1';
  var TOKEN_KEY = 'declutter.token';
  var POLL_MS = 2000;
  var RANKS = {viewer: 1, operator: 2, admin: 3};
  var who = null;
  var timer = null;
  var refreshes = 0;

  function $(id) {
    return document.getElementById(id);
  }

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  function may(role) {
    return who !== null && (RANKS[who.role] || 0) >= RANKS[role];
  }

  /** An element with attributes and children (strings become text: nothing from the API is parsed as HTML). */
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') {
        e.textContent = attrs[k];
      } else if (k === 'onclick') {
        e.addEventListener('click', attrs[k]);
      } else if (attrs[k] !== null && attrs[k] !== undefined && attrs[k] !== false) {
        e.setAttribute(k, attrs[k] === true ? '' : attrs[k]);
      }
    });
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) {
        e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
      }
    });
    return e;
  }

  function td(text, cls) {
    return el('td', {text: text === null || text === undefined ? '' : String(text), 'class': cls});
  }

  function number(n) {
    return n === null || n === undefined ? '' : Number(n).toLocaleString('en');
  }

  function when(iso) {
    if (!iso) {
      return '';
    }
    var d = new Date(iso);
    return isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined || !isFinite(seconds)) {
      return '?';
    }
    var s = Math.max(0, Math.round(seconds));
    var h = Math.floor(s / 3600);
    var m = Math.floor(s / 60) % 60;
    return (h > 0 ? h + 'h' : '') + (h > 0 || m > 0 ? m + 'm' : '') + (s % 60) + 's';
  }

  /** An API error as the service writes it: {"error":{"code","exitCode","message"}}. */
  function ApiError(status, body) {
    this.status = status;
    this.message = body && body.error && body.error.message ? body.error.message : 'HTTP ' + status;
  }

  function call(method, path, headers) {
    var h = {'Authorization': 'Bearer ' + token(), 'Accept': 'application/json'};
    Object.keys(headers || {}).forEach(function (k) {
      h[k] = headers[k];
    });
    return fetch(API + path, {method: method, headers: h, cache: 'no-store'}).then(function (r) {
      return r.text().then(function (text) {
        var body = null;
        try {
          body = text ? JSON.parse(text) : null;
        } catch (e) {
          body = null;
        }
        if (!r.ok) {
          throw new ApiError(r.status, body);
        }
        return body;
      });
    });
  }

  function say(text, isError) {
    var m = $('message');
    m.textContent = text;
    m.className = isError ? 'error' : '';
    m.hidden = !text;
  }

  function signedOut(why) {
    sessionStorage.removeItem(TOKEN_KEY);
    who = null;
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
    $('status').hidden = true;
    $('who').hidden = true;
    $('sign-out').hidden = true;
    $('sign-in').hidden = false;
    var err = $('sign-in-error');
    err.textContent = why || '';
    err.hidden = !why;
    $('token').value = '';
    $('token').focus();
  }

  function signIn() {
    return call('GET', '/whoami').then(function (me) {
      who = me;
      document.body.dataset.role = me.role;
      $('who').textContent = me.name + ' (' + me.role + ')';
      $('who').hidden = false;
      $('sign-out').hidden = false;
      $('sign-in').hidden = true;
      $('status').hidden = false;
      return poll();
    }).catch(function (e) {
      signedOut(e.status === 401 ? 'That token is not known to the service.' : 'Sign-in failed: ' + e.message);
    });
  }

  function poll() {
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
    return refresh().catch(function (e) {
      if (e.status === 401) {
        signedOut('The token is no longer accepted; sign in again.');
        return;
      }
      $('refreshed').textContent = 'Could not refresh at ' + new Date().toLocaleTimeString() + ': ' + e.message;
    }).then(function () {
      if (who !== null) {
        timer = setTimeout(poll, POLL_MS);
      }
    });
  }

  function refresh() {
    return call('GET', '/jobs').then(function (jobs) {
      var details = jobs.map(function (job) {
        if (job.deployed === false) {
          return Promise.resolve([null, []]); // nothing to read until 'declutter deploy'
        }
        var current = job.currentRun === null || job.currentRun === undefined ? Promise.resolve(null)
          : call('GET', '/jobs/' + encodeURIComponent(job.name) + '/runs/' + job.currentRun);
        var runs = call('GET', '/jobs/' + encodeURIComponent(job.name) + '/runs?limit=10');
        return Promise.all([current, runs]);
      });
      return Promise.all(details).then(function (all) {
        if (who === null) {
          return;
        }
        showJobs(jobs);
        showCurrent(jobs, all.map(function (d) { return d[0]; }));
        showRuns(jobs, all.map(function (d) { return d[1]; }));
        refreshes++;
        document.body.dataset.refreshes = String(refreshes);
        $('refreshed').textContent = 'Refreshed at ' + new Date().toLocaleTimeString() + ' (every '
          + POLL_MS / 1000 + ' s).';
      });
    });
  }

  function jobPath(job) {
    return '/jobs/' + encodeURIComponent(job);
  }

  function act(what, promise) {
    say(what + '...', false);
    return promise.then(function (answer) {
      say(what + ': ' + summary(answer), false);
      return poll();
    }).catch(function (e) {
      if (e.status === 401) {
        signedOut('The token is no longer accepted; sign in again.');
      } else {
        say(what + ' refused: ' + e.message, true);
      }
    });
  }

  function summary(a) {
    if (!a) {
      return 'done';
    }
    var parts = [];
    if (a.run !== undefined) {
      parts.push('run ' + a.run);
    }
    if (a.status) {
      parts.push(a.status);
    }
    if (a.created === false) {
      parts.push('(already going)');
    }
    if (a.pauseRequested) {
      parts.push('stop requested');
    }
    return parts.join(' ') || 'done';
  }

  function idempotencyKey() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') {
      return window.crypto.randomUUID();
    }
    return 'page-' + Date.now() + '-' + Math.random().toString(36).slice(2);
  }

  function trigger(job) {
    return act('Trigger ' + job, call('POST', jobPath(job) + '/runs', {'Idempotency-Key': idempotencyKey()}));
  }

  function stop(job, run) {
    return act('Stop run ' + run + ' of ' + job, call('POST', jobPath(job) + '/runs/' + run + '/stop'));
  }

  function rollback(job, run) {
    if (!window.confirm('Roll back run ' + run + ' of job ' + job + '? Every row it purged is put back.')) {
      return Promise.resolve();
    }
    return act('Roll back run ' + run + ' of ' + job, call('POST', jobPath(job) + '/runs/' + run + '/rollback'));
  }

  function showJobs(jobs) {
    var body = $('jobs').tBodies[0];
    body.replaceChildren();
    jobs.forEach(function (job) {
      var actions = el('td', {'class': 'actions'});
      if (job.deployed === false) {
        actions.appendChild(el('span', {'class': 'muted', text: 'not deployed (declutter deploy)'}));
      } else if (may('operator')) {
        actions.appendChild(el('button', {type: 'button', 'class': 'trigger', 'data-job': job.name,
          text: 'Trigger', onclick: function () { trigger(job.name); }}));
        if (job.currentRun !== null && job.currentRun !== undefined) {
          actions.appendChild(el('button', {type: 'button', 'class': 'stop', 'data-job': job.name,
            text: 'Stop', onclick: function () { stop(job.name, job.currentRun); }}));
        }
      }
      var last = job.lastRun;
      body.appendChild(el('tr', {'data-job': job.name}, [
        td(job.name),
        td(job.schedule ? job.schedule + (job.timeZone ? ' (' + job.timeZone + ')' : '') : 'when triggered'),
        td(job.nextRun ? when(job.nextRun) : '-', 'next-run'),
        td(job.window ? job.window.start + ' to ' + job.window.end : 'any time'),
        td(job.currentRun === null || job.currentRun === undefined ? '-' : 'run ' + job.currentRun),
        td(last ? 'run ' + last.run + ': ' + last.status + (last.ended ? ', ended ' + when(last.ended) : '') : '-'),
        actions
      ]));
    });
  }

  function bar(done, total) {
    var pct = total > 0 ? Math.min(100, 100 * done / total) : 0;
    var fill = el('span', {'class': 'fill'});
    fill.style.width = pct + '%'; // through the CSSOM: the page's Content-Security-Policy allows no inline style
    return el('span', {'class': 'bar', title: pct.toFixed(1) + '%', 'data-percent': pct.toFixed(3)}, [fill]);
  }

  function showCurrent(jobs, runs) {
    var section = $('current');
    section.replaceChildren();
    jobs.forEach(function (job, i) {
      var r = runs[i];
      if (!r) {
        return;
      }
      var deleted = r.deleted || 0;
      var cached = r.cached || 0;
      var box = el('div', {'class': 'run', 'data-job': job.name, 'data-run': r.run, 'data-deleted': deleted,
        'data-cached': cached}, [
        el('h2', {text: 'Job ' + job.name + ', run ' + r.run + ': ' + r.status
          + (r.pauseRequested ? ' (stop requested)' : '')}),
        el('p', {'class': 'totals'}, [bar(deleted, cached), ' ' + number(deleted) + ' of ' + number(cached)
          + ' rows deleted; ' + number(Math.round(r.rowsPerSecond || 0)) + ' rows/s; ETA '
          + (r.eta ? when(r.eta) : '?') + '; started ' + when(r.started)
          + (r.deadline ? ', deadline ' + when(r.deadline) : '')])
      ]);
      if (r.hold) {
        box.appendChild(el('p', {'class': 'hold', text: 'Holding since ' + when(r.hold.since) + ': ' + r.hold.reason}));
      }
      if (r.heldSeconds) {
        box.appendChild(el('p', {'class': 'muted', text: 'Held ' + duration(r.heldSeconds) + ' in all.'}));
      }
      if (r.lastError) {
        box.appendChild(el('p', {'class': 'error', text: 'Last error: ' + r.lastError}));
      }
      var rows = (r.tables || []).map(function (t) {
        return el('tr', {'class': 'table-progress', 'data-table': t.table, 'data-deleted': t.deleted,
          'data-cached': t.cached}, [
          td(t.table), td(t.height, 'n'), td(t.status),
          el('td', {}, [bar(t.deleted, t.cached)]),
          td(number(t.deleted), 'n'), td(number(t.cached), 'n'), td(number(t.restored), 'n')
        ]);
      });
      box.appendChild(el('table', {'class': 'tables'}, [
        el('thead', {}, [el('tr', {}, ['table', 'height', 'status', 'progress', 'deleted', 'cached', 'restored']
          .map(function (h) { return el('th', {text: h}); }))]),
        el('tbody', {}, rows)
      ]));
      section.appendChild(box);
    });
  }

  function showRuns(jobs, runLists) {
    var div = $('runs');
    div.replaceChildren();
    jobs.forEach(function (job, i) {
      if (job.deployed === false) {
        return;
      }
      var runs = runLists[i] || [];
      var rows = runs.map(function (r) {
        var actions = el('td', {'class': 'actions'});
        if (may('admin') && (r.status === 'done' || r.status === 'failed')) {
          actions.appendChild(el('button', {type: 'button', 'class': 'rollback danger', 'data-job': job.name,
            'data-run': r.run, text: 'Roll back', onclick: function () { rollback(job.name, r.run); }}));
        }
        return el('tr', {'data-run': r.run}, [
          td(r.run, 'n'), td(r.status), td(when(r.started)), td(when(r.ended)),
          td(number(r.cached), 'n'), td(number(r.deleted), 'n'), td(number(r.restored), 'n'),
          td(r.lastError || ''), actions
        ]);
      });
      div.appendChild(el('h3', {text: job.name}));
      div.appendChild(runs.length === 0 ? el('p', {'class': 'muted', text: 'No run yet.'})
        : el('table', {'class': 'runs', 'data-job': job.name}, [
          el('thead', {}, [el('tr', {}, ['run', 'status', 'started', 'ended', 'cached', 'deleted', 'restored',
            'last error', ''].map(function (h) { return el('th', {text: h}); }))]),
          el('tbody', {}, rows)
        ]));
    });
  }

  $('sign-in').addEventListener('submit', function (event) {
    event.preventDefault();
    var value = $('token').value.trim();
    if (!value) {
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, value);
    $('token').value = '';
    signIn();
  });

  $('sign-out').addEventListener('click', function () {
    signedOut('');
  });

  if (token()) {
    signIn();
  } else {
    signedOut('');
  }
}());
