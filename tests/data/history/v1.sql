-- A run history written by netauto 0.1 (schema version 1, before migration runs): one
-- verify run of the tiny SoT (xa-tan-thanh lgsp IPv6 failing), from sqlite3 iterdump.
PRAGMA user_version = 1;
BEGIN TRANSACTION;
CREATE TABLE checks (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    check_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    probe TEXT NOT NULL,
    site TEXT NOT NULL,
    host TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    target_address TEXT NOT NULL,
    family TEXT,
    port INTEGER,
    expect TEXT NOT NULL,
    status TEXT NOT NULL,
    rtt_ms REAL,
    evidence TEXT NOT NULL,
    duration_s REAL NOT NULL,
    PRIMARY KEY (run_id, seq)
);
INSERT INTO "checks" VALUES(1,0,'reach:phuong-an-xuyen:lgsp:ipv4:tcp443','reachability','tcp','phuong-an-xuyen','phuong-an-xuyen-lan10','lan10','lgsp','10.96.100.10','ipv4',443,'reach','pass',1.2,'',0.05);
INSERT INTO "checks" VALUES(1,1,'reach:phuong-an-xuyen:lgsp:ipv6:tcp443','reachability','tcp','phuong-an-xuyen','phuong-an-xuyen-lan10','lan10','lgsp','2001:db8:9610:100::10','ipv6',443,'reach','pass',1.7,'',0.05);
INSERT INTO "checks" VALUES(1,2,'reach:phuong-an-xuyen:portal:ipv4:tcp443','reachability','tcp','phuong-an-xuyen','phuong-an-xuyen-lan10','lan10','portal','10.96.100.10','ipv4',443,'reach','pass',1.2,'',0.05);
INSERT INTO "checks" VALUES(1,3,'reach:phuong-an-xuyen:portal:ipv6:tcp443','reachability','tcp','phuong-an-xuyen','phuong-an-xuyen-lan10','lan10','portal','2001:db8:9610:100::10','ipv6',443,'reach','pass',1.7,'',0.05);
INSERT INTO "checks" VALUES(1,4,'reach:phuong-ly-van-lam:lgsp:ipv4:tcp443','reachability','tcp','phuong-ly-van-lam','phuong-ly-van-lam-lan10','lan10','lgsp','10.96.100.11','ipv4',443,'reach','pass',1.57,'',0.05);
INSERT INTO "checks" VALUES(1,5,'reach:phuong-ly-van-lam:lgsp:ipv6:tcp443','reachability','tcp','phuong-ly-van-lam','phuong-ly-van-lam-lan10','lan10','lgsp','2001:db8:9610:100::11','ipv6',443,'reach','pass',2.07,'',0.05);
INSERT INTO "checks" VALUES(1,6,'reach:phuong-ly-van-lam:portal:ipv4:tcp443','reachability','tcp','phuong-ly-van-lam','phuong-ly-van-lam-lan10','lan10','portal','10.96.100.11','ipv4',443,'reach','pass',1.57,'',0.05);
INSERT INTO "checks" VALUES(1,7,'reach:phuong-ly-van-lam:portal:ipv6:tcp443','reachability','tcp','phuong-ly-van-lam','phuong-ly-van-lam-lan10','lan10','portal','2001:db8:9610:100::11','ipv6',443,'reach','pass',2.07,'',0.05);
INSERT INTO "checks" VALUES(1,8,'reach:xa-tan-thanh:lgsp:ipv4:tcp443','reachability','tcp','xa-tan-thanh','xa-tan-thanh-lan10','lan10','lgsp','10.96.100.12','ipv4',443,'reach','pass',1.94,'',0.05);
INSERT INTO "checks" VALUES(1,9,'reach:xa-tan-thanh:lgsp:ipv6:tcp443','reachability','tcp','xa-tan-thanh','xa-tan-thanh-lan10','lan10','lgsp','2001:db8:9610:100::12','ipv6',443,'reach','fail',NULL,'tcp connect to 2001:db8:9610:100::12 port 443: timed out after 3.0 s',0.05);
INSERT INTO "checks" VALUES(1,10,'reach:xa-tan-thanh:portal:ipv4:tcp443','reachability','tcp','xa-tan-thanh','xa-tan-thanh-lan10','lan10','portal','10.96.100.12','ipv4',443,'reach','pass',1.94,'',0.05);
INSERT INTO "checks" VALUES(1,11,'reach:xa-tan-thanh:portal:ipv6:tcp443','reachability','tcp','xa-tan-thanh','xa-tan-thanh-lan10','lan10','portal','2001:db8:9610:100::12','ipv6',443,'reach','pass',2.44,'',0.05);
INSERT INTO "checks" VALUES(1,12,'isol:phuong-an-xuyen:phuong-ly-van-lam:ipv4','isolation','ping','phuong-an-xuyen','phuong-an-xuyen-lan10','','phuong-ly-van-lam','','ipv4',NULL,'blocked','pass',NULL,'',0.0);
INSERT INTO "checks" VALUES(1,13,'isol:phuong-an-xuyen:phuong-ly-van-lam:ipv6','isolation','ping','phuong-an-xuyen','phuong-an-xuyen-lan10','','phuong-ly-van-lam','','ipv6',NULL,'blocked','pass',NULL,'',0.0);
INSERT INTO "checks" VALUES(1,14,'isol:phuong-ly-van-lam:xa-tan-thanh:ipv4','isolation','ping','phuong-ly-van-lam','phuong-ly-van-lam-lan10','','xa-tan-thanh','','ipv4',NULL,'blocked','pass',NULL,'',0.0);
INSERT INTO "checks" VALUES(1,15,'isol:phuong-ly-van-lam:xa-tan-thanh:ipv6','isolation','ping','phuong-ly-van-lam','phuong-ly-van-lam-lan10','','xa-tan-thanh','','ipv6',NULL,'blocked','pass',NULL,'',0.0);
INSERT INTO "checks" VALUES(1,16,'isol:xa-tan-thanh:phuong-an-xuyen:ipv4','isolation','ping','xa-tan-thanh','xa-tan-thanh-lan10','','phuong-an-xuyen','','ipv4',NULL,'blocked','pass',NULL,'',0.0);
INSERT INTO "checks" VALUES(1,17,'isol:xa-tan-thanh:phuong-an-xuyen:ipv6','isolation','ping','xa-tan-thanh','xa-tan-thanh-lan10','','phuong-an-xuyen','','ipv6',NULL,'blocked','pass',NULL,'',0.0);
INSERT INTO "checks" VALUES(1,18,'route:dc:ospf','routing','ospf','dc','dc-r1','','area 0','','ipv4',NULL,'up','pass',NULL,'',0.0);
INSERT INTO "checks" VALUES(1,19,'route:dc:ospf6','routing','ospf6','dc','dc-r1','','area 0','','ipv6',NULL,'up','pass',NULL,'',0.0);
INSERT INTO "checks" VALUES(1,20,'route:hub-01:ospf','routing','ospf','hub-01','hub-01-r1','','area 0','','ipv4',NULL,'up','pass',NULL,'',0.0);
INSERT INTO "checks" VALUES(1,21,'route:hub-01:ospf6','routing','ospf6','hub-01','hub-01-r1','','area 0','','ipv6',NULL,'up','pass',NULL,'',0.0);
INSERT INTO "checks" VALUES(1,22,'route:phuong-an-xuyen:ospf','routing','ospf','phuong-an-xuyen','phuong-an-xuyen-r1','','area 0','','ipv4',NULL,'up','pass',NULL,'',0.0);
INSERT INTO "checks" VALUES(1,23,'route:phuong-an-xuyen:ospf6','routing','ospf6','phuong-an-xuyen','phuong-an-xuyen-r1','','area 0','','ipv6',NULL,'up','pass',NULL,'',0.0);
INSERT INTO "checks" VALUES(1,24,'route:phuong-ly-van-lam:ospf','routing','ospf','phuong-ly-van-lam','phuong-ly-van-lam-r1','','area 0','','ipv4',NULL,'up','pass',NULL,'',0.0);
INSERT INTO "checks" VALUES(1,25,'route:phuong-ly-van-lam:ospf6','routing','ospf6','phuong-ly-van-lam','phuong-ly-van-lam-r1','','area 0','','ipv6',NULL,'up','pass',NULL,'',0.0);
INSERT INTO "checks" VALUES(1,26,'route:xa-tan-thanh:ospf','routing','ospf','xa-tan-thanh','xa-tan-thanh-r1','','area 0','','ipv4',NULL,'up','pass',NULL,'',0.0);
INSERT INTO "checks" VALUES(1,27,'route:xa-tan-thanh:ospf6','routing','ospf6','xa-tan-thanh','xa-tan-thanh-r1','','area 0','','ipv6',NULL,'up','pass',NULL,'',0.0);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started TEXT NOT NULL,
    finished TEXT NOT NULL,
    target TEXT NOT NULL,
    province TEXT NOT NULL,
    province_code INTEGER NOT NULL,
    inventory TEXT NOT NULL,
    sot_sha256 TEXT NOT NULL,
    netauto_version TEXT NOT NULL,
    operator TEXT NOT NULL,
    communes_total INTEGER NOT NULL,
    communes_dual_stack INTEGER NOT NULL,
    communes_ipv4 INTEGER NOT NULL,
    communes_ipv6 INTEGER NOT NULL,
    isolation_total INTEGER NOT NULL,
    isolation_holding INTEGER NOT NULL,
    findings INTEGER NOT NULL,
    checks_total INTEGER NOT NULL,
    checks_pass INTEGER NOT NULL,
    checks_fail INTEGER NOT NULL,
    checks_error INTEGER NOT NULL,
    checks_skip INTEGER NOT NULL,
    raw_json TEXT NOT NULL,
    sha256 TEXT NOT NULL
);
INSERT INTO "runs" VALUES(1,'2025-11-03T02:00:00+00:00','2025-11-03T02:03:41+00:00','lab','Cà Mau',96,'inventory','abababababababababababababababababababababababababababababababab','0.1.0','Nguyễn Văn Kiểm',3,2,3,2,6,6,0,28,27,1,0,0,'{"checks":[{"duration_s":0.05,"evidence":"","expect":"reach","family":"ipv4","host":"phuong-an-xuyen-lan10","id":"reach:phuong-an-xuyen:lgsp:ipv4:tcp443","kind":"reachability","port":443,"probe":"tcp","rtt_ms":1.2,"site":"phuong-an-xuyen","source":"lan10","status":"pass","target":"lgsp","target_address":"10.96.100.10"},{"duration_s":0.05,"evidence":"","expect":"reach","family":"ipv6","host":"phuong-an-xuyen-lan10","id":"reach:phuong-an-xuyen:lgsp:ipv6:tcp443","kind":"reachability","port":443,"probe":"tcp","rtt_ms":1.7,"site":"phuong-an-xuyen","source":"lan10","status":"pass","target":"lgsp","target_address":"2001:db8:9610:100::10"},{"duration_s":0.05,"evidence":"","expect":"reach","family":"ipv4","host":"phuong-an-xuyen-lan10","id":"reach:phuong-an-xuyen:portal:ipv4:tcp443","kind":"reachability","port":443,"probe":"tcp","rtt_ms":1.2,"site":"phuong-an-xuyen","source":"lan10","status":"pass","target":"portal","target_address":"10.96.100.10"},{"duration_s":0.05,"evidence":"","expect":"reach","family":"ipv6","host":"phuong-an-xuyen-lan10","id":"reach:phuong-an-xuyen:portal:ipv6:tcp443","kind":"reachability","port":443,"probe":"tcp","rtt_ms":1.7,"site":"phuong-an-xuyen","source":"lan10","status":"pass","target":"portal","target_address":"2001:db8:9610:100::10"},{"duration_s":0.05,"evidence":"","expect":"reach","family":"ipv4","host":"phuong-ly-van-lam-lan10","id":"reach:phuong-ly-van-lam:lgsp:ipv4:tcp443","kind":"reachability","port":443,"probe":"tcp","rtt_ms":1.57,"site":"phuong-ly-van-lam","source":"lan10","status":"pass","target":"lgsp","target_address":"10.96.100.11"},{"duration_s":0.05,"evidence":"","expect":"reach","family":"ipv6","host":"phuong-ly-van-lam-lan10","id":"reach:phuong-ly-van-lam:lgsp:ipv6:tcp443","kind":"reachability","port":443,"probe":"tcp","rtt_ms":2.07,"site":"phuong-ly-van-lam","source":"lan10","status":"pass","target":"lgsp","target_address":"2001:db8:9610:100::11"},{"duration_s":0.05,"evidence":"","expect":"reach","family":"ipv4","host":"phuong-ly-van-lam-lan10","id":"reach:phuong-ly-van-lam:portal:ipv4:tcp443","kind":"reachability","port":443,"probe":"tcp","rtt_ms":1.57,"site":"phuong-ly-van-lam","source":"lan10","status":"pass","target":"portal","target_address":"10.96.100.11"},{"duration_s":0.05,"evidence":"","expect":"reach","family":"ipv6","host":"phuong-ly-van-lam-lan10","id":"reach:phuong-ly-van-lam:portal:ipv6:tcp443","kind":"reachability","port":443,"probe":"tcp","rtt_ms":2.07,"site":"phuong-ly-van-lam","source":"lan10","status":"pass","target":"portal","target_address":"2001:db8:9610:100::11"},{"duration_s":0.05,"evidence":"","expect":"reach","family":"ipv4","host":"xa-tan-thanh-lan10","id":"reach:xa-tan-thanh:lgsp:ipv4:tcp443","kind":"reachability","port":443,"probe":"tcp","rtt_ms":1.94,"site":"xa-tan-thanh","source":"lan10","status":"pass","target":"lgsp","target_address":"10.96.100.12"},{"duration_s":0.05,"evidence":"tcp connect to 2001:db8:9610:100::12 port 443: timed out after 3.0 s","expect":"reach","family":"ipv6","host":"xa-tan-thanh-lan10","id":"reach:xa-tan-thanh:lgsp:ipv6:tcp443","kind":"reachability","port":443,"probe":"tcp","rtt_ms":null,"site":"xa-tan-thanh","source":"lan10","status":"fail","target":"lgsp","target_address":"2001:db8:9610:100::12"},{"duration_s":0.05,"evidence":"","expect":"reach","family":"ipv4","host":"xa-tan-thanh-lan10","id":"reach:xa-tan-thanh:portal:ipv4:tcp443","kind":"reachability","port":443,"probe":"tcp","rtt_ms":1.94,"site":"xa-tan-thanh","source":"lan10","status":"pass","target":"portal","target_address":"10.96.100.12"},{"duration_s":0.05,"evidence":"","expect":"reach","family":"ipv6","host":"xa-tan-thanh-lan10","id":"reach:xa-tan-thanh:portal:ipv6:tcp443","kind":"reachability","port":443,"probe":"tcp","rtt_ms":2.44,"site":"xa-tan-thanh","source":"lan10","status":"pass","target":"portal","target_address":"2001:db8:9610:100::12"},{"duration_s":0.0,"evidence":"","expect":"blocked","family":"ipv4","host":"phuong-an-xuyen-lan10","id":"isol:phuong-an-xuyen:phuong-ly-van-lam:ipv4","kind":"isolation","port":null,"probe":"ping","rtt_ms":null,"site":"phuong-an-xuyen","source":"","status":"pass","target":"phuong-ly-van-lam","target_address":""},{"duration_s":0.0,"evidence":"","expect":"blocked","family":"ipv6","host":"phuong-an-xuyen-lan10","id":"isol:phuong-an-xuyen:phuong-ly-van-lam:ipv6","kind":"isolation","port":null,"probe":"ping","rtt_ms":null,"site":"phuong-an-xuyen","source":"","status":"pass","target":"phuong-ly-van-lam","target_address":""},{"duration_s":0.0,"evidence":"","expect":"blocked","family":"ipv4","host":"phuong-ly-van-lam-lan10","id":"isol:phuong-ly-van-lam:xa-tan-thanh:ipv4","kind":"isolation","port":null,"probe":"ping","rtt_ms":null,"site":"phuong-ly-van-lam","source":"","status":"pass","target":"xa-tan-thanh","target_address":""},{"duration_s":0.0,"evidence":"","expect":"blocked","family":"ipv6","host":"phuong-ly-van-lam-lan10","id":"isol:phuong-ly-van-lam:xa-tan-thanh:ipv6","kind":"isolation","port":null,"probe":"ping","rtt_ms":null,"site":"phuong-ly-van-lam","source":"","status":"pass","target":"xa-tan-thanh","target_address":""},{"duration_s":0.0,"evidence":"","expect":"blocked","family":"ipv4","host":"xa-tan-thanh-lan10","id":"isol:xa-tan-thanh:phuong-an-xuyen:ipv4","kind":"isolation","port":null,"probe":"ping","rtt_ms":null,"site":"xa-tan-thanh","source":"","status":"pass","target":"phuong-an-xuyen","target_address":""},{"duration_s":0.0,"evidence":"","expect":"blocked","family":"ipv6","host":"xa-tan-thanh-lan10","id":"isol:xa-tan-thanh:phuong-an-xuyen:ipv6","kind":"isolation","port":null,"probe":"ping","rtt_ms":null,"site":"xa-tan-thanh","source":"","status":"pass","target":"phuong-an-xuyen","target_address":""},{"duration_s":0.0,"evidence":"","expect":"up","family":"ipv4","host":"dc-r1","id":"route:dc:ospf","kind":"routing","port":null,"probe":"ospf","rtt_ms":null,"site":"dc","source":"","status":"pass","target":"area 0","target_address":""},{"duration_s":0.0,"evidence":"","expect":"up","family":"ipv6","host":"dc-r1","id":"route:dc:ospf6","kind":"routing","port":null,"probe":"ospf6","rtt_ms":null,"site":"dc","source":"","status":"pass","target":"area 0","target_address":""},{"duration_s":0.0,"evidence":"","expect":"up","family":"ipv4","host":"hub-01-r1","id":"route:hub-01:ospf","kind":"routing","port":null,"probe":"ospf","rtt_ms":null,"site":"hub-01","source":"","status":"pass","target":"area 0","target_address":""},{"duration_s":0.0,"evidence":"","expect":"up","family":"ipv6","host":"hub-01-r1","id":"route:hub-01:ospf6","kind":"routing","port":null,"probe":"ospf6","rtt_ms":null,"site":"hub-01","source":"","status":"pass","target":"area 0","target_address":""},{"duration_s":0.0,"evidence":"","expect":"up","family":"ipv4","host":"phuong-an-xuyen-r1","id":"route:phuong-an-xuyen:ospf","kind":"routing","port":null,"probe":"ospf","rtt_ms":null,"site":"phuong-an-xuyen","source":"","status":"pass","target":"area 0","target_address":""},{"duration_s":0.0,"evidence":"","expect":"up","family":"ipv6","host":"phuong-an-xuyen-r1","id":"route:phuong-an-xuyen:ospf6","kind":"routing","port":null,"probe":"ospf6","rtt_ms":null,"site":"phuong-an-xuyen","source":"","status":"pass","target":"area 0","target_address":""},{"duration_s":0.0,"evidence":"","expect":"up","family":"ipv4","host":"phuong-ly-van-lam-r1","id":"route:phuong-ly-van-lam:ospf","kind":"routing","port":null,"probe":"ospf","rtt_ms":null,"site":"phuong-ly-van-lam","source":"","status":"pass","target":"area 0","target_address":""},{"duration_s":0.0,"evidence":"","expect":"up","family":"ipv6","host":"phuong-ly-van-lam-r1","id":"route:phuong-ly-van-lam:ospf6","kind":"routing","port":null,"probe":"ospf6","rtt_ms":null,"site":"phuong-ly-van-lam","source":"","status":"pass","target":"area 0","target_address":""},{"duration_s":0.0,"evidence":"","expect":"up","family":"ipv4","host":"xa-tan-thanh-r1","id":"route:xa-tan-thanh:ospf","kind":"routing","port":null,"probe":"ospf","rtt_ms":null,"site":"xa-tan-thanh","source":"","status":"pass","target":"area 0","target_address":""},{"duration_s":0.0,"evidence":"","expect":"up","family":"ipv6","host":"xa-tan-thanh-r1","id":"route:xa-tan-thanh:ospf6","kind":"routing","port":null,"probe":"ospf6","rtt_ms":null,"site":"xa-tan-thanh","source":"","status":"pass","target":"area 0","target_address":""}],"info":{"finished":"2025-11-03T02:03:41+00:00","inventory":"inventory","netauto_version":"0.1.0","operator":"Nguyễn Văn Kiểm","province":"Cà Mau","province_code":96,"run_id":1,"sot_sha256":"abababababababababababababababababababababababababababababababab","started":"2025-11-03T02:00:00+00:00","target":"lab"},"services":["lgsp","portal"],"sites":[{"commune_code":null,"hub":null,"kind":"data-centre","name":"Trung tâm dữ liệu tỉnh","site_id":1,"slug":"dc"},{"commune_code":null,"hub":null,"kind":"hub","name":"Điểm tập trung 01","site_id":10,"slug":"hub-01"},{"commune_code":"32002","hub":"hub-01","kind":"commune","name":"Phường An Xuyên","site_id":1001,"slug":"phuong-an-xuyen"},{"commune_code":"32005","hub":"hub-01","kind":"commune","name":"Phường Lý Văn Lâm","site_id":1002,"slug":"phuong-ly-van-lam"},{"commune_code":"32008","hub":"hub-01","kind":"commune","name":"Xã Tân Thành","site_id":1003,"slug":"xa-tan-thanh"}]}
','b457b8d08d8e4772f218c550c1ae2053f17ef8fc689f5f2be287c6b007048537');
CREATE TABLE sites (
    run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    site_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    hub TEXT,
    commune_code TEXT,
    PRIMARY KEY (run_id, slug)
);
INSERT INTO "sites" VALUES(1,'dc',1,'Trung tâm dữ liệu tỉnh','data-centre',NULL,NULL);
INSERT INTO "sites" VALUES(1,'hub-01',10,'Điểm tập trung 01','hub',NULL,NULL);
INSERT INTO "sites" VALUES(1,'phuong-an-xuyen',1001,'Phường An Xuyên','commune','hub-01','32002');
INSERT INTO "sites" VALUES(1,'phuong-ly-van-lam',1002,'Phường Lý Văn Lâm','commune','hub-01','32005');
INSERT INTO "sites" VALUES(1,'xa-tan-thanh',1003,'Xã Tân Thành','commune','hub-01','32008');
CREATE INDEX checks_by_site ON checks (run_id, site);
CREATE INDEX checks_by_status ON checks (run_id, status);
DELETE FROM "sqlite_sequence";
INSERT INTO "sqlite_sequence" VALUES('runs',1);
COMMIT;
